#include "loadgen/thresholds.hpp"

#include <gtest/gtest.h>

namespace uitgo::loadgen {
namespace {

TEST(Thresholds, ParsesK6Expressions) {
  const auto p95 = parse_threshold("p(95)<250", "http_req_duration");
  EXPECT_EQ(p95.aggregate, "p(95)");
  EXPECT_EQ(p95.op, "<");
  EXPECT_EQ(p95.value, 250);
  EXPECT_EQ(percentile_of("p(99.9)"), 99.9);
  const auto rate = parse_threshold("rate <= 0.01", "http_req_failed");
  EXPECT_EQ(rate.op, "<=");
  EXPECT_TRUE(threshold_holds(rate, 0.01));
  EXPECT_FALSE(threshold_holds(p95, 250));
  EXPECT_TRUE(threshold_holds(parse_threshold("count==0", "dropped_iterations"), 0));
}

TEST(Thresholds, RejectsWrongAggregatesAndSyntax) {
  EXPECT_THROW(parse_threshold("rate<0.01", "http_req_duration"), std::invalid_argument);
  EXPECT_THROW(parse_threshold("p(95)<250", "http_req_failed"), std::invalid_argument);
  EXPECT_THROW(parse_threshold("p(95)", "http_req_duration"), std::invalid_argument);
  EXPECT_THROW(parse_threshold("p(95)<fast", "http_req_duration"), std::invalid_argument);
  EXPECT_THROW(parse_threshold("p(101)<1", "http_req_duration"), std::invalid_argument);
}

TEST(Thresholds, MetricNamesWithScenarioTags) {
  const auto plain = parse_metric("http_req_duration");
  EXPECT_FALSE(plain.scenario);
  const auto tagged = parse_metric("http_req_duration{scenario:riders}");
  EXPECT_EQ(tagged.metric, "http_req_duration");
  EXPECT_EQ(tagged.scenario, "riders");
  EXPECT_THROW(parse_metric("http_req_waiting"), std::invalid_argument);
  EXPECT_THROW(parse_metric("http_req_duration{status:200}"), std::invalid_argument);
}

}  // namespace
}  // namespace uitgo::loadgen
