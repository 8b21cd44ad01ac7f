#include "loadgen/summary.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "loadgen/prometheus_text.hpp"
#include "loadgen/scenario_file.hpp"

namespace uitgo::loadgen {
namespace {

using std::chrono::milliseconds;

constexpr const char* kProfile = R"({
  "scenarios": {
    "a": {"executor": "constant-arrival-rate", "rate": 1, "duration": "1s", "preAllocatedVUs": 1,
          "request": {"path": "/x", "expect": 201}},
    "b": {"executor": "constant-vus", "vus": 1, "duration": "1s", "request": {"path": "/y"}}
  },
  "thresholds": {"http_req_failed": ["rate<0.01"], "http_req_duration{scenario:b}": ["p(95)<100", "max<1000"],
                 "dropped_iterations": ["count==0"]}
})";

RunStats sample() {
  RunStats stats;
  stats.seconds = 10;
  stats.scenarios.resize(2);
  stats.scenarios[0].name = "a";
  stats.scenarios[1].name = "b";
  for (int i = 0; i < 99; ++i) stats.scenarios[0].record("POST /x", 201, "", true, milliseconds(10));
  stats.scenarios[0].record("POST /x", 0, "timeout", false, milliseconds(10000));
  stats.scenarios[0].dropped = 2;
  for (int i = 0; i < 50; ++i) stats.scenarios[1].record("GET /y", 200, "", true, milliseconds(50));
  return stats;
}

TEST(Summary, K6StyleMetricsOverallAndPerScenario) {
  const auto profile = parse_profile(kProfile, "p", {});
  const auto stats = sample();
  const auto thresholds = evaluate_thresholds(profile, stats);
  const auto s = summary_json(profile, stats, thresholds, {"http://h:1", "file t.json", true});
  const auto& m = s.at("metrics").as_object();
  EXPECT_EQ(m.at("http_reqs").at("count").as_uint64(), 150u);
  EXPECT_DOUBLE_EQ(m.at("http_reqs").at("rate").as_double(), 15.0);
  EXPECT_EQ(m.at("http_req_failed").at("passes").as_uint64(), 1u);
  EXPECT_EQ(m.at("http_req_failed").at("fails").as_uint64(), 149u);
  EXPECT_EQ(m.at("http_reqs{scenario:b}").at("count").as_uint64(), 50u);
  EXPECT_NEAR(m.at("http_req_duration{scenario:b}").at("p(95)").as_double(), 50.0, 0.5);
  EXPECT_NEAR(m.at("http_req_duration").at("max").as_double(), 10000.0, 0.001);
  EXPECT_EQ(m.at("dropped_iterations").at("count").as_uint64(), 2u);
  EXPECT_EQ(m.at("checks").at("passes").as_uint64(), 149u);
  for (const char* k : {"avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"}) {
    EXPECT_TRUE(m.at("http_req_duration").as_object().contains(k)) << k;
  }
  const auto& a = s.at("scenarios").at("a").as_object();
  EXPECT_EQ(a.at("statuses").at("201").as_uint64(), 99u);
  EXPECT_EQ(a.at("statuses").at("0").as_uint64(), 1u);
  EXPECT_EQ(a.at("failures").at("POST /x -> timeout").as_uint64(), 1u);

  // 1 of 150 failed (0.67 %) passes rate<0.01; 2 dropped fails count==0.
  EXPECT_TRUE(s.at("thresholds").at("http_req_failed").at("rate<0.01").at("ok").as_bool());
  EXPECT_TRUE(s.at("thresholds").at("http_req_duration{scenario:b}").at("p(95)<100").at("ok").as_bool());
  EXPECT_FALSE(s.at("thresholds").at("dropped_iterations").at("count==0").at("ok").as_bool());
  EXPECT_FALSE(s.at("thresholdsOk").as_bool());
}

TEST(Summary, TimeseriesCsv) {
  EXPECT_EQ(kTimeseriesHeader, "t,scenario,requests,errors,p50_ms,p95_ms,p99_ms\n");
  EXPECT_EQ(timeseries_line({3, "riders", 50, 1, 1.5, 9.25, 20}), "3,riders,50,1,1.500,9.250,20.000\n");
}

TEST(PrometheusText, SumsAGaugeAcrossLabels) {
  const std::string text =
      "# HELP match_queue_depth x\n# TYPE match_queue_depth gauge\nmatch_queue_depth 12\n"
      "match_queue_depth_max 99\nmatch_queue_depth{stream=\"b\"} 3\nother 1\n";
  EXPECT_EQ(prometheus_gauge(text, "match_queue_depth"), 15.0);
  EXPECT_FALSE(prometheus_gauge(text, "missing"));
}

}  // namespace
}  // namespace uitgo::loadgen
