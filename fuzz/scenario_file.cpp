// Fuzz target: the load generator's scenario files (loadgen/scenario_file)
// on arbitrary JSON with arbitrary ${VAR} overrides. Input: optional override
// lines `NAME=value` (a command-line flag) or `~NAME=value` (the
// environment), a line `--`, then the JSON; without a `--` line the whole
// input is the JSON. A refusal must be a ScenarioError; an accepted profile
// must be runnable: finite, non-negative times and rates, and requests whose
// templates render with values drawn from the declared variables.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/check.hpp"
#include "loadgen/scenario_file.hpp"
#include "loadgen/thresholds.hpp"

namespace {

using namespace uitgo;
using namespace uitgo::loadgen;
using fuzz::expect;

bool finite_non_negative(double v) { return std::isfinite(v) && v >= 0; }

// Splits the override lines off the front; returns the JSON text.
std::string_view take_overrides(std::string_view input, Overrides& overrides) {
  const auto end = input.starts_with("--\n") ? 0 : input.find("\n--\n");
  if (end == std::string_view::npos) return input;
  std::string_view lines = input.substr(0, end);
  while (!lines.empty()) {
    const auto newline = lines.find('\n');
    auto line = lines.substr(0, newline);
    lines = newline == std::string_view::npos ? std::string_view{} : lines.substr(newline + 1);
    auto& target = line.starts_with('~') ? overrides.ambient : overrides.required;
    if (line.starts_with('~')) line.remove_prefix(1);
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    target[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
  }
  return input.substr(end == 0 ? 3 : end + 4);
}

void render(const Scenario& s, std::mt19937_64& rng) {
  std::vector<Value> values = {{false, random_uuid(rng)}, {true, "1"}, {true, "0"}, {false, s.name}};
  for (const auto& v : s.variables) values.push_back(draw(v, rng));
  for (const auto& r : s.requests) {
    const auto path = r.path.render(values);
    expect(!path.empty() && path.front() == '/', "a rendered path starts with '/'");
    if (r.body) (void)r.body->render(values);
    for (const auto& [name, value] : r.headers) (void)value.render(values);
  }
}

// Thresholds are judged against the run's numbers: percentiles in [0, 100],
// finite limits.
void check_thresholds(const Profile& p) {
  for (const auto& [name, expressions] : p.thresholds) {
    const auto metric = parse_metric(name).metric;
    for (const auto& text : expressions) {
      const auto t = parse_threshold(text, metric);
      const auto percentile = percentile_of(t.aggregate);
      expect(!percentile || (*percentile >= 0 && *percentile <= 100), "a percentile is in [0, 100]");
      expect(std::isfinite(t.value), "a threshold's limit is finite");
    }
  }
}

void check(const Profile& p) {
  expect(!p.scenarios.empty(), "a profile has scenarios");
  std::mt19937_64 rng(42);
  for (const auto& s : p.scenarios) {
    expect(finite_non_negative(s.start_seconds) && finite_non_negative(s.start_rate), "start time and rate");
    for (const auto& stage : s.stages) {
      expect(finite_non_negative(stage.seconds) && finite_non_negative(stage.target), "a stage is runnable");
    }
    expect(finite_non_negative(s.duration_seconds) && finite_non_negative(s.think_seconds), "durations");
    expect(s.vu_limit() >= 1 && !s.requests.empty(), "VUs and requests");
    for (const auto& v : s.variables) {
      expect(v.kind == Variable::Kind::one_of || (std::isfinite(v.low) && std::isfinite(v.high)), "uniform range");
    }
    render(s, rng);
  }
  expect(finite_non_negative(p.total_seconds()), "a profile ends");
  check_thresholds(p);
  if (p.drivers) {
    const auto& d = *p.drivers;
    expect(d.location_seconds > 0 && d.poll_seconds > 0 && finite_non_negative(d.step_seconds), "driver timers");
    expect(std::isfinite(d.location_seconds) && std::isfinite(d.poll_seconds), "driver timers are finite");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Overrides overrides;
  const auto json = take_overrides(std::string_view(reinterpret_cast<const char*>(data), size), overrides);
  try {
    check(parse_profile(json, "fuzz", overrides));
  } catch (const ScenarioError&) {
    return 0;
  }
  return 0;
}
