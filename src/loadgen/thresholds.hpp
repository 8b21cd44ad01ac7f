// k6-style thresholds: "p(95)<250" on http_req_duration, "rate<0.01" on
// http_req_failed, optionally narrowed to one scenario with the tag syntax
// http_req_duration{scenario:riders}. Parsed when the profile is loaded (a bad
// expression is a bad profile), evaluated against the summary's numbers.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace uitgo::loadgen {

struct MetricRef {
  std::string metric;                   // http_req_duration, http_req_failed, http_reqs, checks, ...
  std::optional<std::string> scenario;  // from {scenario:NAME}
};

struct ThresholdExpr {
  std::string aggregate;  // avg, min, max, med, p(N), rate, count
  std::string op;         // <, <=, >, >=, ==, !=
  double value = 0;
};

// Both throw std::invalid_argument with a short explanation.
MetricRef parse_metric(std::string_view name);
ThresholdExpr parse_threshold(std::string_view text, const std::string& metric);

bool threshold_holds(const ThresholdExpr& t, double observed);

// p(95) -> 95; nullopt for other aggregates.
std::optional<double> percentile_of(const std::string& aggregate);

}  // namespace uitgo::loadgen
