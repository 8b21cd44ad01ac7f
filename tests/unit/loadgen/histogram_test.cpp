#include "loadgen/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace uitgo::loadgen {
namespace {

TEST(Histogram, EmptyReportsZero) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(95), 0.0);
  EXPECT_EQ(h.mean(), 0.0);
}

TEST(Histogram, SmallValuesAreExact) {
  Histogram h;
  for (std::uint64_t v = 0; v < 100; ++v) h.record(v);
  EXPECT_EQ(h.percentile(50), 49.0);
  EXPECT_EQ(h.percentile(100), 99.0);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 99u);
  EXPECT_DOUBLE_EQ(h.mean(), 49.5);
}

TEST(Histogram, BucketsTileTheRangeWithoutGaps) {
  for (std::size_t i = 0; i + 1 < Histogram::index_of(Histogram::kMaxValue); ++i) {
    ASSERT_EQ(Histogram::highest_in(i) + 1, Histogram::lowest_in(i + 1)) << i;
    ASSERT_EQ(Histogram::index_of(Histogram::lowest_in(i)), i);
    ASSERT_EQ(Histogram::index_of(Histogram::highest_in(i)), i);
  }
}

TEST(Histogram, BucketWidthIsWithinOnePercentOfItsValues) {
  for (std::size_t i = 1; i < Histogram::index_of(Histogram::kMaxValue); ++i) {
    const double low = static_cast<double>(Histogram::lowest_in(i));
    const double width = static_cast<double>(Histogram::highest_in(i) - Histogram::lowest_in(i) + 1);
    if (width == 1) continue;  // an exact value
    ASSERT_LE(width / low, 0.01) << i;
  }
}

// Percentiles of a heavy-tailed sample (µs to minutes) against the exact
// nearest-rank values of the sorted sample.
TEST(Histogram, TailPercentilesWithinOnePercentOfExact) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> latency(std::log(5000.0), 1.5);
  std::vector<std::uint64_t> samples;
  Histogram h;
  for (int i = 0; i < 200000; ++i) {
    const auto v = static_cast<std::uint64_t>(std::min(latency(rng), 3.0e8));
    samples.push_back(v);
    h.record(v);
  }
  std::sort(samples.begin(), samples.end());
  for (const double p : {50.0, 90.0, 95.0, 99.0, 99.9, 99.99}) {
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size())));
    const double exact = static_cast<double>(samples[rank - 1]);
    EXPECT_NEAR(h.percentile(p), exact, exact * 0.01) << "p" << p;
  }
  EXPECT_EQ(h.max(), samples.back());
  EXPECT_EQ(h.min(), samples.front());
}

TEST(Histogram, MergeEqualsRecordingEverythingInOne) {
  Histogram a, b, all;
  for (std::uint64_t v = 1; v < 50000; v += 7) {
    (v % 2 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  EXPECT_DOUBLE_EQ(a.mean(), all.mean());
  for (const double p : {1.0, 50.0, 99.0}) EXPECT_EQ(a.percentile(p), all.percentile(p));
}

TEST(Histogram, ClearForgetsEverything) {
  Histogram h;
  h.record(1234);
  h.clear();
  EXPECT_EQ(h.count(), 0u);
  h.record(10);
  EXPECT_EQ(h.min(), 10u);
  EXPECT_EQ(h.max(), 10u);
}

TEST(Histogram, HugeValuesClampToTheLastBucket) {
  Histogram h;
  h.record(~std::uint64_t{0});
  EXPECT_EQ(h.count(), 1u);
  EXPECT_GT(h.percentile(100), 6.0e10);
}

}  // namespace
}  // namespace uitgo::loadgen
