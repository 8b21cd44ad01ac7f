#include "loadgen/rider_pool.hpp"

#include <gtest/gtest.h>

#include <set>

namespace uitgo::loadgen {
namespace {

TEST(RiderPool, EachRiderHoldsOneTripAtATime) {
  RiderPool pool(2);
  const auto a = pool.next();
  pool.opened(a.rider, "trip-a");
  const auto b = pool.next();
  EXPECT_NE(a.rider, b.rider);
  EXPECT_FALSE(a.give_up);
  EXPECT_FALSE(b.give_up);
  pool.opened(b.rider, "trip-b");
  // Both wait: the one waiting longest gives its trip up to ask again.
  const auto again = pool.next();
  EXPECT_EQ(again.rider, a.rider);
  ASSERT_TRUE(again.give_up);
  EXPECT_EQ(*again.give_up, "trip-a");
  EXPECT_EQ(pool.given_up(), 1u);
}

TEST(RiderPool, AFinishedTripFreesItsRider) {
  RiderPool pool(2);
  const auto a = pool.next();
  pool.opened(a.rider, "trip-a");
  const auto b = pool.next();
  pool.opened(b.rider, "trip-b");
  pool.ended("trip-b");
  const auto next = pool.next();
  EXPECT_EQ(next.rider, b.rider);
  EXPECT_FALSE(next.give_up);
  pool.opened(next.rider, "trip-c");
  // trip-b ended, so only trip-a can be given up; then trip-c.
  const auto first = pool.next();
  ASSERT_TRUE(first.give_up);
  EXPECT_EQ(*first.give_up, "trip-a");
  pool.failed(first.rider);
  EXPECT_FALSE(pool.next().give_up) << "a failed request frees the rider";
}

TEST(RiderPool, AFailedCreateFreesTheRider) {
  RiderPool pool(3);
  std::set<std::size_t> seen;
  for (int i = 0; i < 3; ++i) {
    const auto t = pool.next();
    seen.insert(t.rider);
    pool.failed(t.rider);
  }
  EXPECT_EQ(seen.size(), 3u) << "the longest free rider goes first";
  EXPECT_FALSE(pool.next().give_up);
  pool.ended("never-opened");  // ignored
}

TEST(RiderPool, TheOpenTripA409Names) {
  const std::string id = "0b6f3c2e-6d0a-4c1e-9d7a-1a2b3c4d5e6f";
  EXPECT_EQ(open_trip_named(R"j({"error":"this rider already has an open trip ()j" + id +
                            R"j(); complete or cancel it before requesting another","code":"trip_in_progress"})j"),
            id);
  EXPECT_EQ(open_trip_named(R"({"error":"this rider already has an open trip; ...","code":"trip_in_progress"})"), "");
  EXPECT_EQ(open_trip_named(R"j({"error":"conflict (x)","code":"conflict"})j"), "");
}

}  // namespace
}  // namespace uitgo::loadgen
