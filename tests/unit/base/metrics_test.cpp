#include "core/base/metrics.hpp"

#include <gtest/gtest.h>

using uitgo::metrics::Registry;

TEST(Metrics, CounterRendersWithLabels) {
  Registry r;
  r.counter("http_requests_total", "requests", {{"route", "/v1/trips/{id}"}, {"status", "200"}}).inc(3);
  const auto text = r.render();
  EXPECT_NE(text.find("# TYPE http_requests_total counter"), std::string::npos) << text;
  EXPECT_NE(text.find("http_requests_total{route=\"/v1/trips/{id}\",status=\"200\"} 3"), std::string::npos) << text;
}

TEST(Metrics, SameSeriesIsReturnedTwice) {
  Registry r;
  auto& a = r.counter("c", "help", {{"k", "v"}});
  auto& b = r.counter("c", "help", {{"k", "v"}});
  EXPECT_EQ(&a, &b);
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Registry r;
  auto& h = r.histogram("latency_seconds", "latency", {{"route", "/x"}}, {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  const auto text = r.render();
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/x\",le=\"0.1\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/x\",le=\"1\"} 2"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_count{route=\"/x\"} 3"), std::string::npos);
}

TEST(Metrics, LabelValuesAreEscaped) {
  EXPECT_EQ(uitgo::metrics::format_labels({{"a", "x\"y\\z"}}), "{a=\"x\\\"y\\\\z\"}");
}

TEST(Metrics, CollectorsRefreshGaugesBeforeRender) {
  Registry r;
  int calls = 0;
  r.on_collect([&] { r.gauge("pool_size", "size").set(++calls); });
  EXPECT_NE(r.render().find("pool_size 1"), std::string::npos);
  EXPECT_NE(r.render().find("pool_size 2"), std::string::npos);
}

TEST(Metrics, OneNameCannotHaveTwoTypes) {
  Registry r;
  r.counter("x", "h");
  EXPECT_THROW(r.gauge("x", "h"), std::logic_error);
}
