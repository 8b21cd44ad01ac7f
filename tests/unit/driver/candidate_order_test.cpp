// The matcher's candidate order: located drivers in reach first (nearest
// first), then drivers without a position since going online, longest waiting
// first; and when a driver counts as "no position since going online".
#include "driver/matcher/candidate_order.hpp"

#include <gtest/gtest.h>

using namespace uitgo::driver;
using Ids = std::vector<std::string>;

TEST(CandidateOrder, LocatedDriversInReachComeFirstInTheirOrder) {
  const auto order = candidate_order({"near", "far"}, {{"u1", 100}}, {}, true, 50);
  EXPECT_EQ(order, (Ids{"near", "far", "u1"}));
}

TEST(CandidateOrder, UnlocatedDriversLongestWaitingFirstTiesById) {
  const auto order = candidate_order({}, {{"c", 300}, {"b", 100}, {"a", 200}, {"d", 100}}, {}, true, 50);
  EXPECT_EQ(order, (Ids{"b", "d", "a", "c"}));
}

TEST(CandidateOrder, UnlocatedDriversOnlyWhenEnabled) {
  EXPECT_EQ(candidate_order({"near"}, {{"u1", 1}}, {}, false, 50), (Ids{"near"}));
  EXPECT_TRUE(candidate_order({}, {{"u1", 1}}, {}, false, 50).empty());
}

TEST(CandidateOrder, ExcludedAndRepeatedDriversAreDropped) {
  const auto order = candidate_order({"a", "x", "b", "a"}, {{"b", 5}, {"x", 1}, {"u", 9}}, {"x"}, true, 50);
  EXPECT_EQ(order, (Ids{"a", "b", "u"}));
}

TEST(CandidateOrder, AtMostMaxUnlocated) {
  const auto order = candidate_order({"near"}, {{"u3", 3}, {"u1", 1}, {"u2", 2}}, {"u1"}, true, 2);
  EXPECT_EQ(order, (Ids{"near", "u2", "u3"})) << "the excluded one does not use up a place";
}

TEST(CandidateOrder, NoPositionSinceGoingOnline) {
  EXPECT_TRUE(unlocated_since_online(std::nullopt, 1000)) << "never sent a position";
  EXPECT_TRUE(unlocated_since_online(999, 1000)) << "only before going online";
  EXPECT_FALSE(unlocated_since_online(1000, 1000)) << "at the moment it went online";
  EXPECT_FALSE(unlocated_since_online(5000, 1000)) << "since: located (maybe stale by now)";
}
