#include "loadgen/scenario_file.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace uitgo::loadgen {
namespace {

constexpr const char* kProfile = R"({
  "variables": {"TARGET_RPS": 50, "DURATION": "30s"},
  "scenarios": {
    "riders": {
      "executor": "ramping-arrival-rate",
      "preAllocatedVUs": 5, "maxVUs": 50,
      "stages": [{"duration": "10s", "target": "${TARGET_RPS}"}, {"duration": "${DURATION}", "target": "${TARGET_RPS}"}],
      "vars": {"lat": {"uniform": [10.7, 10.85]}},
      "request": {"method": "POST", "path": "/v1/trips", "body": {"originLat": "{{lat}}"}, "expect": [201]}
    },
    "search": {
      "executor": "constant-arrival-rate", "rate": 120, "timeUnit": "1m", "duration": "1m30s",
      "startTime": "10s", "preAllocatedVUs": 2,
      "request": {"path": "/v1/drivers/search?lat=1&lng=2"}
    }
  },
  "thresholds": {"http_req_failed": ["rate<0.01"], "http_req_duration{scenario:riders}": ["p(95)<250"]}
})";

Profile parse(const std::string& text, Overrides o = {}) { return parse_profile(text, "test", o); }

std::string error_of(const std::string& text, Overrides o = {}) {
  try {
    parse(text, o);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(ScenarioFile, ParsesExecutorsStagesAndVariables) {
  const auto p = parse(kProfile);
  ASSERT_EQ(p.scenarios.size(), 2u);
  const auto& riders = p.scenarios[0];
  EXPECT_EQ(riders.name, "riders");
  EXPECT_EQ(riders.executor, Executor::ramping_arrival_rate);
  ASSERT_EQ(riders.stages.size(), 2u);
  EXPECT_EQ(riders.stages[0].seconds, 10);
  EXPECT_EQ(riders.stages[0].target, 50);
  EXPECT_EQ(riders.stages[1].seconds, 30);
  EXPECT_EQ(riders.max_vus, 50);
  EXPECT_EQ(riders.requests[0].expect, std::vector<int>{201});
  const auto& search = p.scenarios[1];
  EXPECT_EQ(search.executor, Executor::constant_arrival_rate);
  EXPECT_DOUBLE_EQ(search.start_rate, 2.0);  // 120 per minute
  EXPECT_EQ(search.stages[0].seconds, 90);
  EXPECT_EQ(search.start_seconds, 10);
  EXPECT_EQ(search.max_vus, 2);  // defaults to preAllocatedVUs
  EXPECT_EQ(search.requests[0].method, "GET");
  EXPECT_EQ(p.total_seconds(), 100);
  EXPECT_EQ(p.thresholds.size(), 2u);
}

TEST(ScenarioFile, OverridesReplaceDefaults) {
  Overrides o;
  o.required["TARGET_RPS"] = "7.5";
  o.required["DURATION"] = "2m";
  const auto p = parse(kProfile, o);
  EXPECT_EQ(p.scenarios[0].stages[1].target, 7.5);
  EXPECT_EQ(p.scenarios[0].stages[1].seconds, 120);
  EXPECT_EQ(p.variables.at("DURATION"), "2m");
}

TEST(ScenarioFile, AmbientValuesApplyOnlyToDeclaredVariables) {
  Overrides o;
  o.ambient["TARGET_RPS"] = "9";
  o.ambient["VUS"] = "3";  // not declared: ignored
  EXPECT_EQ(parse(kProfile, o).scenarios[0].stages[0].target, 9);
}

TEST(ScenarioFile, OverridingAnUndeclaredVariableIsAnError) {
  Overrides o;
  o.required["VUS"] = "3";
  EXPECT_NE(error_of(kProfile, o).find("no variable VUS"), std::string::npos) << error_of(kProfile, o);
}

TEST(ScenarioFile, ErrorsNameTheField) {
  EXPECT_EQ(error_of("{").rfind("not valid JSON: ", 0), 0u);
  EXPECT_NE(error_of("[]").find("top level"), std::string::npos);
  EXPECT_EQ(error_of(replace(kProfile, R"("executor": "ramping-arrival-rate")", R"("executor": "ramping")")),
            "scenarios.riders.executor: must be ramping-arrival-rate, constant-arrival-rate or constant-vus (got "
            "'ramping')");
  EXPECT_EQ(error_of(replace(kProfile, R"({"duration": "10s")", R"({"duration": "soon")")),
            "scenarios.riders.stages[0].duration: must be a duration such as \"30s\", \"1m30s\" or \"500ms\"");
  EXPECT_EQ(error_of(replace(kProfile, R"("maxVUs": 50)", R"("maxVUs": 2)")),
            "scenarios.riders.maxVUs: must be between 5 and 100000 (got 2)");
  EXPECT_EQ(error_of(replace(kProfile, R"("expect": [201])", R"("expect": ["201"])")),
            "scenarios.riders.request.expect: must be a status code or an array of status codes (100-599)");
  EXPECT_EQ(error_of(replace(kProfile, R"("{{lat}}")", R"("{{lng}}")")),
            "scenarios.riders.request.body: unknown variable {{lng}}");
  EXPECT_EQ(error_of(replace(kProfile, R"("startTime")", R"("startAt")")), "scenarios.search.startAt: unknown field");
  EXPECT_EQ(error_of(replace(kProfile, R"("${DURATION}")", R"("${DURATIONS}")")),
            "scenarios.riders.stages[1].duration: unknown variable ${DURATIONS} (declare it under \"variables\")");
  EXPECT_EQ(error_of(replace(kProfile, R"("p(95)<250")", R"("p95<250")")),
            "thresholds.http_req_duration{scenario:riders}: 'p95' is not an aggregate of http_req_duration");
  EXPECT_EQ(error_of(replace(kProfile, "{scenario:riders}", "{scenario:drivers}")),
            "thresholds.http_req_duration{scenario:drivers}: no scenario named 'drivers'");
  EXPECT_EQ(error_of(replace(kProfile, R"("path": "/v1/trips")", R"("path": "v1/trips")")),
            "scenarios.riders.request.path: must start with '/'");
}

TEST(ScenarioFile, SelectScenarios) {
  auto p = parse(kProfile);
  select_scenarios(p, "search");
  ASSERT_EQ(p.scenarios.size(), 1u);
  EXPECT_EQ(p.scenarios[0].name, "search");
  EXPECT_EQ(p.thresholds.size(), 1u);  // the riders-only threshold went with its scenario
  auto q = parse(kProfile);
  try {
    select_scenarios(q, "riders,nope");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), "unknown scenario 'nope' in profile test (it has: riders, search)");
  }
}

TEST(ScenarioFile, Durations) {
  EXPECT_EQ(parse_duration("30s"), 30);
  EXPECT_EQ(parse_duration("1m30s"), 90);
  EXPECT_EQ(parse_duration("500ms"), 0.5);
  EXPECT_EQ(parse_duration("2h"), 7200);
  EXPECT_EQ(parse_duration("45"), 45);
  EXPECT_EQ(parse_duration("1.5m"), 90);
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("10 s"));
  EXPECT_FALSE(parse_duration("3d"));
}

// from_chars reads "nan" and "inf"; such times reached the runner's clock
// arithmetic (a float-to-integer conversion with undefined behaviour).
TEST(ScenarioFile, NonFiniteOrHugeTimesAreRefused) {
  for (const char* text : {"nan", "inf", "-inf", "infinity", "NaN"}) EXPECT_FALSE(parse_duration(text)) << text;
  EXPECT_EQ(error_of(replace(kProfile, R"("duration": "1m30s")", R"("duration": "nan")")),
            "scenarios.search.duration: must be a duration such as \"30s\", \"1m30s\" or \"500ms\"");
  EXPECT_EQ(error_of(replace(kProfile, R"("duration": "1m30s")", R"("duration": "721h")")),
            "scenarios.search.duration: must be at most 30 days");
  Overrides o;
  o.required["DURATION"] = "inf";
  EXPECT_EQ(error_of(kProfile, o),
            "scenarios.riders.stages[1].duration: must be a duration such as \"30s\", \"1m30s\" or \"500ms\"");
  o.required["DURATION"] = "30s";
  o.required["TARGET_RPS"] = "nan";
  EXPECT_EQ(error_of(kProfile, o), "scenarios.riders.stages[0].target: must be a number");
  const auto uniform = replace(replace(kProfile, "[10.7, 10.85]", R"(["${LOW}", 1])"), R"("DURATION": "30s")",
                               R"("DURATION": "30s", "LOW": 10.7)");
  EXPECT_EQ(error_of(uniform, {.required = {{"LOW", "-inf"}}}),
            "scenarios.riders.vars.lat.uniform: must be [low, high]");
  // Boost.JSON reads 1e999 as infinity.
  EXPECT_EQ(error_of(replace(kProfile, "[10.7, 10.85]", "[-1e999, 1]")),
            "scenarios.riders.vars.lat.uniform: must be [low, high]");
  EXPECT_EQ(error_of(replace(kProfile, R"("duration": "1m30s")", R"("duration": 1e999)")),
            "scenarios.search.duration: must be at most 30 days");
  EXPECT_EQ(error_of(replace(kProfile, R"("p(95)<250")", R"("p(nan)<250")")),
            "thresholds.http_req_duration{scenario:riders}: 'p(nan)' is not an aggregate of http_req_duration");
  EXPECT_EQ(error_of(replace(kProfile, R"("p(95)<250")", R"("p(95)<inf")")),
            "thresholds.http_req_duration{scenario:riders}: 'p(95)<inf': the right side is not a number");
}

// Every profile shipped in loadtests/scenarios parses with its defaults.
TEST(ScenarioFile, ShippedProfilesAreValid) {
  for (const char* name : {"trip_matching", "smoke", "spike", "soak", "search_only", "chaos"}) {
    const auto p = load_profile(name, std::string(UITGO_SOURCE_DIR) + "/loadtests/scenarios", {});
    EXPECT_FALSE(p.scenarios.empty()) << name;
  }
  const auto tm = load_profile("trip_matching", std::string(UITGO_SOURCE_DIR) + "/loadtests/scenarios", {});
  EXPECT_EQ(tm.scenarios[0].name, "riders");
  EXPECT_EQ(tm.scenarios[1].name, "driverSearch");
  ASSERT_TRUE(tm.drivers);
  EXPECT_EQ(tm.drivers->count, 20);
  // scripts/chaos.sh reads the trips of `riders` from the request log.
  const auto chaos = load_profile("chaos", std::string(UITGO_SOURCE_DIR) + "/loadtests/scenarios", {});
  ASSERT_EQ(chaos.scenarios.size(), 3u);
  EXPECT_EQ(chaos.scenarios[0].name, "riders");
  EXPECT_EQ(chaos.scenarios[0].requests[0].expect, std::vector<int>{201});
  EXPECT_EQ(chaos.scenarios[2].name, "tripReads");
}

}  // namespace
}  // namespace uitgo::loadgen
