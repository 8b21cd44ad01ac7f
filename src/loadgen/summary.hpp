// The end-of-run results: thresholds evaluated against what was measured, a
// k6-style summary (metrics.http_reqs {count, rate}, metrics.http_req_failed
// {rate, passes, fails}, metrics.http_req_duration {avg, min, med, max, p(90),
// p(95), p(99)} in milliseconds, the same per scenario under
// "http_req_duration{scenario:NAME}", dropped_iterations, checks) plus the
// per-scenario details, the drivers' counters and the threshold verdicts; and
// the per-second time series as CSV.
#pragma once

#include <boost/json/object.hpp>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/scenario.hpp"
#include "loadgen/stats.hpp"

namespace uitgo::loadgen {

struct ThresholdResult {
  std::string metric;      // as written, e.g. http_req_duration{scenario:riders}
  std::string expression;  // e.g. p(95)<250
  double observed = 0;
  bool ok = true;
};

std::vector<ThresholdResult> evaluate_thresholds(const Profile& profile, const RunStats& stats);

struct SummaryContext {
  std::string api_base;
  std::string token_source;
  bool thresholds_enabled = true;
};

boost::json::object summary_json(const Profile& profile, const RunStats& stats,
                                 const std::vector<ThresholdResult>& thresholds, const SummaryContext& context);

// The per-second CSV, written as the run goes (a run stopped early keeps its
// seconds so far): this header, then a timeseries_line per scenario and second,
// t in whole seconds from the start.
inline constexpr std::string_view kTimeseriesHeader = "t,scenario,requests,errors,p50_ms,p95_ms,p99_ms\n";
std::string timeseries_line(const TimeseriesRow& row);

}  // namespace uitgo::loadgen
