#include "core/base/token_bucket.hpp"

#include <gtest/gtest.h>

namespace uitgo {
namespace {

using namespace std::chrono_literals;

TEST(TokenBucket, BurstThenTheRate) {
  const auto t0 = TokenBucket::Clock::time_point{} + 1h;
  TokenBucket bucket(2.0, 3.0, t0);
  EXPECT_TRUE(bucket.take(t0));
  EXPECT_TRUE(bucket.take(t0));
  EXPECT_TRUE(bucket.take(t0));
  EXPECT_FALSE(bucket.take(t0)) << "burst of 3 used up";
  EXPECT_FALSE(bucket.take(t0 + 400ms)) << "0.8 of a token";
  EXPECT_TRUE(bucket.take(t0 + 500ms)) << "one token after 1/2 s at 2/s";
  EXPECT_FALSE(bucket.take(t0 + 500ms));
}

TEST(TokenBucket, RefillStopsAtTheBurst) {
  const auto t0 = TokenBucket::Clock::time_point{} + 1h;
  TokenBucket bucket(10.0, 2.0, t0);
  EXPECT_TRUE(bucket.take(t0));
  EXPECT_TRUE(bucket.take(t0 + 1h));
  EXPECT_TRUE(bucket.take(t0 + 1h));
  EXPECT_FALSE(bucket.take(t0 + 1h)) << "an hour idle saves no more than the burst";
}

TEST(TokenBucket, ZeroRateIsUnlimited) {
  TokenBucket bucket(0.0, 1.0);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(bucket.take());
}

}  // namespace
}  // namespace uitgo
