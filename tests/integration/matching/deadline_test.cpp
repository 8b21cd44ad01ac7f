// No driver → cancelled with reason no_driver after MATCH_DEADLINE_SECONDS;
// and no double assignment with many trips racing for few drivers.
#include <atomic>
#include <set>

#include "matching/matching_support.hpp"
#include "support/shared_environment.hpp"

namespace uitgo::test::matching {
namespace {

constexpr int kDeadlineSeconds = 8;
Stack* stack = nullptr;

const auto* const environment = share_per_binary(stack, [] {
  return std::make_unique<Stack>(Env{{"MATCH_DEADLINE_SECONDS", std::to_string(kDeadlineSeconds)},
                                     {"OFFER_TIMEOUT_SECONDS", "30"},
                                     {"MATCHER_WORKERS", "4"}});
});

TEST(MatchingDeadline, NoDriverCancelsAfterTheDeadline) {
  const auto rider = stack->rider_token();
  // Nobody within reach of this pickup.
  const auto id = stack->create_trip(rider, true, -33.86, 151.21);
  ASSERT_FALSE(id.empty());
  // The matcher found nobody and will try again: still requested until the deadline.
  EXPECT_TRUE(eventually([&] { return stack->waiting_for_a_driver(id, 1); }));
  EXPECT_EQ(str(stack->trip(id, rider), "status"), "requested");
  const auto t = stack->wait_trip(
      id, rider, [](const json::object& o) { return str(o, "status") == "cancelled"; },
      std::chrono::seconds(kDeadlineSeconds + 20));
  EXPECT_EQ(str(t, "status"), "cancelled") << json::serialize(t);
  EXPECT_EQ(str(t, "cancelReason"), "no_driver") << json::serialize(t);
}

std::string double_assigned() {
  return stack->trip_sql(
      "SELECT count(*) FROM (SELECT driver_id FROM trips WHERE driver_id IS NOT NULL AND status IN "
      "('requested','accepted','arriving','in_ride') GROUP BY driver_id HAVING count(*) > 1) x");
}

TEST(MatchingDeadline, NoDoubleAssignmentUnderConcurrency) {
  constexpr int kDrivers = 20;
  constexpr int kTrips = 120;
  const double lat = 21.03;
  const double lng = 105.85;
  std::vector<std::string> drivers;
  for (int i = 0; i < kDrivers; ++i) drivers.push_back(stack->online_driver(lat + 0.0005 * i, lng));

  const auto rider = stack->rider_token();
  std::vector<std::string> trips(kTrips);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kTrips; i += 8) trips[i] = stack->create_trip(stack->rider_token(), true, lat, lng);
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& id : trips) ASSERT_FALSE(id.empty());

  // Every driver accepts the trip it is offered; meanwhile no driver is ever
  // on two open trips.
  std::set<std::string> accepted_by;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(kDeadlineSeconds - 2);
  while (static_cast<int>(accepted_by.size()) < kDrivers && std::chrono::steady_clock::now() < until) {
    ASSERT_EQ(double_assigned(), "0");
    for (const auto& d : drivers) {
      if (accepted_by.count(d) > 0) continue;
      const auto trip = stack->trip_sql("SELECT id FROM trips WHERE status = 'requested' AND driver_id = '" + d + "'");
      if (trip.empty()) continue;
      const auto r = stack->driver_action(trip, d, "accept");
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status == 200) accepted_by.insert(d);
    }
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(static_cast<int>(accepted_by.size()), kDrivers);

  // The rest end cancelled (no_driver) at the deadline.
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(kDeadlineSeconds + 40);
  std::string open;
  do {
    ASSERT_EQ(double_assigned(), "0");
    open = stack->trip_sql("SELECT count(*) FROM trips WHERE status = 'requested' AND origin_lat = " +
                           std::to_string(lat));
    if (open == "0") break;
    std::this_thread::sleep_for(250ms);
  } while (std::chrono::steady_clock::now() < end);
  EXPECT_EQ(open, "0");
  EXPECT_EQ(
      stack->trip_sql("SELECT count(*) FROM trips WHERE status = 'accepted' AND origin_lat = " + std::to_string(lat)),
      std::to_string(kDrivers));
  EXPECT_EQ(stack->trip_sql("SELECT count(*) FROM trips WHERE status = 'cancelled' AND cancel_reason = 'no_driver'"
                            " AND origin_lat = " +
                            std::to_string(lat)),
            std::to_string(kTrips - kDrivers));
  EXPECT_EQ(stack->trip_sql("SELECT count(DISTINCT driver_id) FROM trips WHERE status = 'accepted' AND origin_lat = " +
                            std::to_string(lat)),
            std::to_string(kDrivers));
}

}  // namespace
}  // namespace uitgo::test::matching
