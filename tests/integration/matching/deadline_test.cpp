// No driver → cancelled with reason no_driver after MATCH_DEADLINE_SECONDS;
// no double assignment with many trips racing for few drivers; and, once
// every located driver here is busy, a batch of trips is answered no_driver
// without a search, unless an unlocated driver is free.
#include <atomic>
#include <set>

#include "matching/matching_support.hpp"
#include "support/metrics.hpp"
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

// Trips created while driver-service is down, so that on its return one
// matcher worker reads them all as one batch.
std::vector<std::string> trips_in_one_batch(int n, double lat, double lng) {
  stack->stack.stop("driver-service");
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    ids.push_back(stack->create_trip(stack->rider_token(), true, lat, lng));
    EXPECT_FALSE(ids.back().empty());
    EXPECT_TRUE(eventually([&] { return stack->event_published(ids.back()); }));
  }
  stack->stack.start("driver-service");
  return ids;
}

// The earlier tests left no located driver free: the first had none, the
// drivers of the second all hold accepted trips.
bool no_located_driver_free() { return redis_cli(stack->stack.redis_port, "EXISTS drivers:free") == "0"; }

TEST(MatchingDeadline, AnUnlocatedDriverIsFoundWhileNoLocatedOneIsFree) {
  ASSERT_TRUE(no_located_driver_free());
  // Online, no position sent (as the original driver app until a trip starts).
  const auto driver = stack->direct.create_driver();
  ASSERT_EQ(stack->gateway.set_status(driver, true), 200);
  const auto ids = trips_in_one_batch(2, 16.05, 108.20);
  ASSERT_EQ(ids.size(), 2U);
  std::string offered_trip;
  EXPECT_TRUE(eventually(
      [&] {
        offered_trip = stack->trip_sql("SELECT coalesce(string_agg(id::text, ','), '') FROM trips WHERE driver_id = '" +
                                       driver + "'");
        return !offered_trip.empty();
      },
      std::chrono::seconds(kDeadlineSeconds)));
  EXPECT_TRUE(offered_trip == ids[0] || offered_trip == ids[1]) << offered_trip;
}

TEST(MatchingDeadline, WhileNoDriverIsFreeABatchIsAnsweredWithoutSearching) {
  // The previous test's driver holds its offer (OFFER_TIMEOUT_SECONDS=30).
  ASSERT_TRUE(no_located_driver_free());
  ASSERT_EQ(redis_cli(stack->stack.redis_port, "EXISTS drivers:unlocated:free"), "0");
  const auto ids = trips_in_one_batch(3, 16.10, 108.20);
  ASSERT_EQ(ids.size(), 3U);
  // A restarted process counts from zero.
  EXPECT_TRUE(eventually([] { return metric(stack->stack.driver_port, "matcher_busy_batches_total") >= 1; }));
  for (const auto& id : ids) {
    EXPECT_TRUE(eventually([&] { return stack->waiting_for_a_driver(id, 1); })) << id;
  }
  EXPECT_GE(metric(stack->stack.driver_port, "matcher_outcomes_total", {"outcome=\"no_driver\""}), 3);
}

}  // namespace
}  // namespace uitgo::test::matching
