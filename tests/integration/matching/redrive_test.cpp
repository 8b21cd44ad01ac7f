// Postgres drives matching work: when the queue loses its contents (a Redis
// crash without persistence, a flushed stream, a purged SQS queue), trip-service's sweep
// publishes the quiet trips' events again, and cancels trips past the
// deadline itself, so every acknowledged trip still ends matched or cancelled.
#include "matching/matching_support.hpp"
#include "support/metrics.hpp"
#include "support/shared_environment.hpp"
#include "support/shell.hpp"

namespace uitgo::test::matching {
namespace {

constexpr int kDeadlineSeconds = 20;
Stack* stack = nullptr;

const auto* const environment = share_per_binary(stack, [] {
  return std::make_unique<Stack>(Env{{"MATCH_DEADLINE_SECONDS", std::to_string(kDeadlineSeconds)},
                                     {"MATCH_REDRIVE_SECONDS", "2"},
                                     {"MATCH_SWEEP_SECONDS", "1"},
                                     {"MATCH_RETRY_MAX_MS", "1000"},
                                     {"OFFER_TIMEOUT_SECONDS", "60"}});
});

bool offered(const std::string& id, const std::string& rider) { return has_driver(stack->trip(id, rider)); }

std::string status_of(const std::string& id, const std::string& rider) { return str(stack->trip(id, rider), "status"); }

// Trips created while no matcher runs, whose events then vanish from the queue.
std::vector<std::string> trips_with_lost_events(const std::string& rider, int n, double lat, double lng) {
  stack->stack.stop("driver-service");
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(stack->create_trip(rider, true, lat, lng));
  for (const auto& id : ids) {
    EXPECT_FALSE(id.empty());
    EXPECT_TRUE(eventually([&] { return stack->event_published(id); })) << "the event of " << id << " never left";
  }
  EXPECT_GT(stack->lose_queue_contents(), 0) << "nothing to lose";
  return ids;
}

TEST(MatchingRedrive, TripsWhoseEventsWereLostAreStillMatched) {
  const double lat = 16.10;
  const double lng = 106.60;
  constexpr int kTrips = 8;
  for (int i = 0; i < kTrips; ++i) stack->online_driver(lat + 0.0005 * i, lng);
  const auto rider = stack->rider_token();
  const auto redriven_before = metric(stack->stack.trip_port, "trip_match_redriven_total", {}, 0);
  const auto ids = trips_with_lost_events(rider, kTrips, lat, lng);
  stack->stack.start("driver-service");
  for (const auto& id : ids) {
    EXPECT_TRUE(eventually([&] { return offered(id, rider); }, 30s)) << id << " stayed without a driver";
  }
  EXPECT_GE(metric(stack->stack.trip_port, "trip_match_redriven_total", {}, 0) - redriven_before, kTrips);
}

TEST(MatchingRedrive, TripsPastTheDeadlineAreCancelledWithoutAnyMatcher) {
  const auto rider = stack->rider_token();
  const auto ids = trips_with_lost_events(rider, 3, -33.86, 151.21);  // nobody drives there
  const auto cancels_before = metric(stack->stack.trip_port, "trip_match_deadline_cancels_total", {}, 0);
  for (const auto& id : ids) {
    const auto t = stack->wait_trip(
        id, rider, [](const json::object& o) { return str(o, "status") == "cancelled"; },
        std::chrono::seconds(kDeadlineSeconds + 20));
    EXPECT_EQ(str(t, "status"), "cancelled") << json::serialize(t);
    EXPECT_EQ(str(t, "cancelReason"), "no_driver") << json::serialize(t);
  }
  EXPECT_GE(metric(stack->stack.trip_port, "trip_match_deadline_cancels_total", {}, 0) - cancels_before, 3);
  stack->stack.start("driver-service");
}

TEST(MatchingRedrive, ActiveMatchingIsLeftAlone) {
  // A trip the matchers keep retrying (nobody free) is read every second, so
  // the sweep never re-publishes it.
  const auto rider = stack->rider_token();
  const auto id = stack->create_trip(rider, true, -34.60, -58.38);
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(eventually([&] { return stack->waiting_for_a_driver(id, 1); }));
  Api trips(stack->stack, stack->stack.trip_port);
  for (int i = 0; i < 4; ++i) {
    // Time must pass (MATCH_REDRIVE_SECONDS = 2) for a trip to count as quiet at all.
    std::this_thread::sleep_for(1s);
    trips.run_task("match-activity-flush");
    trips.run_task("match-sweep");
  }
  EXPECT_EQ(stack->trip_sql("SELECT count(*) FROM trips WHERE id = '" + id + "' AND redriven_at IS NOT NULL"), "0");
  EXPECT_EQ(status_of(id, rider), "requested");
}

}  // namespace
}  // namespace uitgo::test::matching
