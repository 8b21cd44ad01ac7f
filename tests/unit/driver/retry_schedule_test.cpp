#include "driver/matcher/retry_schedule.hpp"

#include <gtest/gtest.h>

namespace uitgo::driver {
namespace {

using namespace std::chrono_literals;

TEST(WaitingRetryDelay, DoublesAsTheTripWaitsUpToTheMaximum) {
  // The defaults: 1 s doubling to 10 s. Retries at 0, 1, 3, 7, 15, 25 s of waiting.
  EXPECT_EQ(waiting_retry_delay(0, 1000ms, 10000ms), 1000ms);
  EXPECT_EQ(waiting_retry_delay(999, 1000ms, 10000ms), 1000ms);
  EXPECT_EQ(waiting_retry_delay(1000, 1000ms, 10000ms), 2000ms);
  EXPECT_EQ(waiting_retry_delay(3000, 1000ms, 10000ms), 4000ms);
  EXPECT_EQ(waiting_retry_delay(6999, 1000ms, 10000ms), 4000ms);
  EXPECT_EQ(waiting_retry_delay(7000, 1000ms, 10000ms), 8000ms);
  EXPECT_EQ(waiting_retry_delay(15000, 1000ms, 10000ms), 10000ms);
  EXPECT_EQ(waiting_retry_delay(3'600'000, 1000ms, 10000ms), 10000ms);
}

TEST(WaitingRetryDelay, KeepsToItsBounds) {
  EXPECT_EQ(waiting_retry_delay(-5, 200ms, 500ms), 200ms) << "a clock step back waits the base";
  EXPECT_EQ(waiting_retry_delay(600, 200ms, 500ms), 500ms);
  EXPECT_EQ(waiting_retry_delay(100000, 60000ms, 60000ms), 60000ms) << "base = max: always that";
  EXPECT_EQ(waiting_retry_delay(100000, 2000ms, 1000ms), 1000ms) << "a base above the max: the max";
}

}  // namespace
}  // namespace uitgo::driver
