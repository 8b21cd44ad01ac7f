#include "loadgen/thresholds.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <set>

namespace uitgo::loadgen {
namespace {

bool is_trend(const std::string& m) { return m == "http_req_duration"; }
bool is_rate(const std::string& m) { return m == "http_req_failed" || m == "checks"; }
bool is_counter(const std::string& m) { return m == "http_reqs" || m == "dropped_iterations" || m == "iterations"; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Finite numbers only: from_chars also reads "nan" and "inf", which would
// make p(nan) a percentile and "<inf" a limit.
std::optional<double> to_double(std::string_view s) {
  s = trim(s);
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

MetricRef parse_metric(std::string_view name) {
  MetricRef ref;
  const auto brace = name.find('{');
  ref.metric = std::string(name.substr(0, brace));
  if (!is_trend(ref.metric) && !is_rate(ref.metric) && !is_counter(ref.metric)) {
    throw std::invalid_argument("unknown metric '" + ref.metric +
                                "' (http_req_duration, http_req_failed, http_reqs, checks, dropped_iterations, "
                                "iterations)");
  }
  if (brace == std::string_view::npos) return ref;
  const std::string_view tag = name.substr(brace);
  constexpr std::string_view kPrefix = "{scenario:";
  if (tag.substr(0, kPrefix.size()) != kPrefix || tag.back() != '}' || tag.size() <= kPrefix.size() + 1) {
    throw std::invalid_argument("only the {scenario:NAME} tag is supported, got '" + std::string(tag) + "'");
  }
  ref.scenario = std::string(tag.substr(kPrefix.size(), tag.size() - kPrefix.size() - 1));
  return ref;
}

ThresholdExpr parse_threshold(std::string_view text, const std::string& metric) {
  const auto at = text.find_first_of("<>=!");
  if (at == std::string_view::npos) throw std::invalid_argument("'" + std::string(text) + "' has no comparison");
  ThresholdExpr t;
  t.aggregate = std::string(trim(text.substr(0, at)));
  std::size_t op_len = (at + 1 < text.size() && text[at + 1] == '=') ? 2 : 1;
  if (text.substr(at, 3) == "===") op_len = 3;
  t.op = std::string(text.substr(at, op_len));
  if (t.op == "===") t.op = "==";
  if (t.op == "=" || t.op == "!") throw std::invalid_argument("'" + std::string(text) + "': bad comparison");
  const auto value = to_double(text.substr(at + op_len));
  if (!value) throw std::invalid_argument("'" + std::string(text) + "': the right side is not a number");
  t.value = *value;
  const auto& a = t.aggregate;
  bool allowed = false;
  if (is_trend(metric)) {
    static const std::set<std::string> kTrend = {"avg", "min", "max", "med"};
    allowed = kTrend.count(a) > 0 || percentile_of(a).has_value();
  } else if (is_rate(metric)) {
    allowed = a == "rate";
  } else {
    allowed = a == "count" || a == "rate";
  }
  if (!allowed) throw std::invalid_argument("'" + a + "' is not an aggregate of " + metric);
  return t;
}

std::optional<double> percentile_of(const std::string& aggregate) {
  if (aggregate.size() < 4 || aggregate.rfind("p(", 0) != 0 || aggregate.back() != ')') return std::nullopt;
  const auto p = to_double(std::string_view(aggregate).substr(2, aggregate.size() - 3));
  if (!p || *p < 0 || *p > 100) return std::nullopt;
  return p;
}

bool threshold_holds(const ThresholdExpr& t, double observed) {
  if (t.op == "<") return observed < t.value;
  if (t.op == "<=") return observed <= t.value;
  if (t.op == ">") return observed > t.value;
  if (t.op == ">=") return observed >= t.value;
  if (t.op == "==") return observed == t.value;
  if (t.op == "!=") return observed != t.value;
  return false;
}

}  // namespace uitgo::loadgen
