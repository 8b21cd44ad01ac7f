#include "loadgen/arrivals.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace uitgo::loadgen {
namespace {

std::vector<double> all(double start, std::vector<Stage> stages) {
  ArrivalSchedule s(start, std::move(stages));
  std::vector<double> out;
  while (const auto t = s.next()) out.push_back(*t);
  return out;
}

TEST(Arrivals, ConstantRateIsEvenlySpaced) {
  const auto t = all(10, {{2.0, 10}});
  ASSERT_EQ(t.size(), 20u);
  for (std::size_t i = 0; i < t.size(); ++i) EXPECT_NEAR(t[i], 0.1 * static_cast<double>(i), 1e-9);
}

TEST(Arrivals, RampCountIsTheAreaUnderTheRate) {
  // 0 -> 50/s over 10 s, 50/s for 30 s, 50 -> 0 over 5 s: 250 + 1500 + 125.
  EXPECT_EQ(ArrivalSchedule::total(0, {{10, 50}, {30, 50}, {5, 0}}), 1875u);
}

TEST(Arrivals, RampGetsDenserAsTheRateGrows) {
  const auto t = all(0, {{10, 100}});  // 500 arrivals
  ASSERT_EQ(t.size(), 500u);
  const double early_gap = t[11] - t[10];
  const double late_gap = t[491] - t[490];
  EXPECT_GT(early_gap, late_gap * 3);
  // Arrival k happens when 5 t^2 = k.
  EXPECT_NEAR(t[125], std::sqrt(125.0 / 5.0), 1e-6);
  for (std::size_t i = 1; i < t.size(); ++i) ASSERT_GE(t[i], t[i - 1]);
  EXPECT_LT(t.back(), 10.0);
}

TEST(Arrivals, DescendingRampAndStageOffsets) {
  const auto t = all(0, {{1, 0}, {2, 20}, {2, 0}});
  // Nothing in the first (zero-rate) second; 20 + 20 afterwards.
  ASSERT_EQ(t.size(), 40u);
  EXPECT_GE(t.front(), 1.0);
  EXPECT_LT(t.back(), 5.0);
  for (std::size_t i = 1; i < t.size(); ++i) ASSERT_GE(t[i], t[i - 1]);
}

TEST(Arrivals, FractionalRates) {
  EXPECT_EQ(ArrivalSchedule::total(0.5, {{10, 0.5}}), 5u);
  EXPECT_EQ(ArrivalSchedule::total(0, {}), 0u);
}

}  // namespace
}  // namespace uitgo::loadgen
