#include "loadgen/summary.hpp"

#include <boost/json/array.hpp>

#include <cmath>
#include <cstdio>

#include "loadgen/thresholds.hpp"

namespace uitgo::loadgen {
namespace json = boost::json;
namespace {

// What one metric name (overall or {scenario:NAME}) adds up to.
struct Totals {
  Histogram durations;
  std::uint64_t requests = 0, failed = 0, iterations = 0, dropped = 0;
};

Totals totals(const RunStats& stats, const std::optional<std::string>& scenario) {
  Totals t;
  for (const auto& s : stats.scenarios) {
    if (scenario && s.name != *scenario) continue;
    t.durations.merge(s.durations);
    t.requests += s.requests;
    t.failed += s.failed;
    t.iterations += s.iterations;
    t.dropped += s.dropped;
  }
  return t;
}

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }
double ratio(std::uint64_t a, std::uint64_t b) {
  return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
}
double per_second(std::uint64_t n, double seconds) {
  return seconds <= 0 ? 0.0 : round3(static_cast<double>(n) / seconds);
}

double trend_value(const Histogram& h, const std::string& aggregate) {
  if (aggregate == "avg") return h.mean() / 1000.0;
  if (aggregate == "min") return static_cast<double>(h.min()) / 1000.0;
  if (aggregate == "max") return static_cast<double>(h.max()) / 1000.0;
  if (aggregate == "med") return h.percentile(50) / 1000.0;
  if (const auto p = percentile_of(aggregate)) return h.percentile(*p) / 1000.0;
  return 0;
}

double observe(const RunStats& stats, const MetricRef& ref, const std::string& aggregate) {
  const auto t = totals(stats, ref.scenario);
  if (ref.metric == "http_req_duration") return trend_value(t.durations, aggregate);
  if (ref.metric == "http_req_failed") return ratio(t.failed, t.requests);
  if (ref.metric == "checks") return t.requests == 0 ? 1.0 : 1.0 - ratio(t.failed, t.requests);
  std::uint64_t n = 0;
  if (ref.metric == "http_reqs") n = t.requests;
  if (ref.metric == "dropped_iterations") n = t.dropped;
  if (ref.metric == "iterations") n = t.iterations;
  return aggregate == "rate" ? per_second(n, stats.seconds) : static_cast<double>(n);
}

json::object trend(const Histogram& h) {
  json::object o;
  for (const char* a : {"avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"}) o[a] = round3(trend_value(h, a));
  return o;
}

json::object counter(std::uint64_t n, double seconds) { return {{"count", n}, {"rate", per_second(n, seconds)}}; }

// k6's rate metrics count "passes" as the samples that are true: for
// http_req_failed a pass is a failed request.
json::object rate(std::uint64_t trues, std::uint64_t total) {
  return {{"rate", std::round(ratio(trues, total) * 1e6) / 1e6}, {"passes", trues}, {"fails", total - trues}};
}

void add_metrics(json::object& metrics, const Totals& t, double seconds, const std::string& tag) {
  metrics["http_reqs" + tag] = counter(t.requests, seconds);
  metrics["http_req_failed" + tag] = rate(t.failed, t.requests);
  metrics["http_req_duration" + tag] = trend(t.durations);
  metrics["iterations" + tag] = counter(t.iterations, seconds);
  metrics["dropped_iterations" + tag] = counter(t.dropped, seconds);
  metrics["checks" + tag] = rate(t.requests - t.failed, t.requests);
}

const char* executor_name(Executor e) {
  switch (e) {
    case Executor::ramping_arrival_rate:
      return "ramping-arrival-rate";
    case Executor::constant_arrival_rate:
      return "constant-arrival-rate";
    case Executor::constant_vus:
      return "constant-vus";
  }
  return "";
}

json::object scenario_details(const Scenario& spec, const ScenarioStats& s) {
  json::object statuses;
  for (const auto& [status, n] : s.statuses) statuses[std::to_string(status)] = n;
  json::object failures;
  for (const auto& [what, n] : s.failures) failures[what] = n;
  return {{"executor", executor_name(spec.executor)},
          {"requests", s.requests},
          {"failed", s.failed},
          {"iterations", s.iterations},
          {"droppedIterations", s.dropped},
          {"ridersGaveUp", s.riders_gave_up},
          {"giveUpFailures", s.give_up_failures},
          {"vusCreated", s.vus_created},
          {"vuLimit", spec.vu_limit()},
          {"statuses", std::move(statuses)},
          {"failures", std::move(failures)}};
}

json::object driver_details(const DriverStats& d) {
  json::object statuses;
  for (const auto& [status, n] : d.statuses) statuses[std::to_string(status)] = n;
  return {{"drivers", d.drivers},
          {"online", d.online},
          {"onlineFailures", d.online_failures},
          {"pings", d.pings},
          {"pingFailures", d.ping_failures},
          {"polls", d.polls},
          {"pollFailures", d.poll_failures},
          {"offersSeen", d.offers_seen},
          {"accepted", d.accepted},
          {"acceptFailures", d.accept_failures},
          {"completed", d.completed},
          {"stepFailures", d.step_failures},
          {"statuses", std::move(statuses)}};
}

}  // namespace

std::vector<ThresholdResult> evaluate_thresholds(const Profile& profile, const RunStats& stats) {
  std::vector<ThresholdResult> out;
  for (const auto& [metric, expressions] : profile.thresholds) {
    const auto ref = parse_metric(metric);
    for (const auto& text : expressions) {
      const auto expr = parse_threshold(text, ref.metric);
      ThresholdResult r;
      r.metric = metric;
      r.expression = text;
      r.observed = observe(stats, ref, expr.aggregate);
      r.ok = threshold_holds(expr, r.observed);
      out.push_back(std::move(r));
    }
  }
  return out;
}

json::object summary_json(const Profile& profile, const RunStats& stats, const std::vector<ThresholdResult>& thresholds,
                          const SummaryContext& context) {
  json::object metrics;
  add_metrics(metrics, totals(stats, std::nullopt), stats.seconds, "");
  json::object scenarios;
  for (std::size_t i = 0; i < stats.scenarios.size(); ++i) {
    const auto& s = stats.scenarios[i];
    add_metrics(metrics, totals(stats, s.name), stats.seconds, "{scenario:" + s.name + "}");
    scenarios[s.name] = scenario_details(profile.scenarios[i], s);
  }
  json::object verdicts;
  bool all_ok = true;
  for (const auto& t : thresholds) {
    auto& slot = verdicts[t.metric];
    if (!slot.is_object()) slot = json::object{};
    slot.as_object()[t.expression] = json::object{{"ok", t.ok}, {"observed", round3(t.observed)}};
    all_ok = all_ok && t.ok;
  }
  json::object variables;
  for (const auto& [k, v] : profile.variables) variables[k] = v;
  json::object out{{"tool", "uitgo loadgen"},
                   {"profile", profile.name},
                   {"apiBase", context.api_base},
                   {"startedAt", stats.started_at},
                   {"durationSeconds", round3(stats.seconds)},
                   {"variables", std::move(variables)},
                   {"tokens", context.token_source},
                   {"metrics", std::move(metrics)},
                   {"thresholds", std::move(verdicts)},
                   {"thresholdsEnabled", context.thresholds_enabled},
                   {"thresholdsOk", all_ok},
                   {"scenarios", std::move(scenarios)}};
  if (profile.drivers) out["drivers"] = driver_details(stats.drivers);
  if (stats.queue_depth_max) {
    out["matchQueueDepth"] = json::object{{"last", *stats.queue_depth_last}, {"max", *stats.queue_depth_max}};
  }
  return out;
}

std::string timeseries_line(const TimeseriesRow& r) {
  char line[256];
  std::snprintf(line, sizeof line, "%d,%s,%llu,%llu,%.3f,%.3f,%.3f\n", r.second, r.scenario.c_str(),
                static_cast<unsigned long long>(r.requests), static_cast<unsigned long long>(r.errors), r.p50_ms,
                r.p95_ms, r.p99_ms);
  return line;
}

}  // namespace uitgo::loadgen
