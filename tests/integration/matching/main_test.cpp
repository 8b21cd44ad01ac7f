// Matcher workers end to end through the gateway: happy path, decline and
// offer timeout re-offers (OFFER_TIMEOUT_SECONDS=2). Each test works around
// its own pickup point so drivers of other tests are never in range.
#include <fstream>
#include <regex>

#include "matching/matching_support.hpp"
#include "support/metrics.hpp"
#include "support/shared_environment.hpp"

namespace uitgo::test::matching {
namespace {

Stack* stack = nullptr;

const auto* const environment = share_per_binary(stack, [] {
  return std::make_unique<Stack>(Env{{"OFFER_TIMEOUT_SECONDS", "2"},
                                     {"MATCH_DEADLINE_SECONDS", "60"},
                                     {"MATCH_RETRY_MAX_MS", "1000"},
                                     // The reservation audit checks every second here, so every test of
                                     // this binary also shows it never releases a driver an open trip holds.
                                     {"RESERVATION_AUDIT_SECONDS", "1"},
                                     {"RESERVATION_RECHECK_SECONDS", "3"}});
});

// First: before any traffic, every service already holds PG_POOL_WARM (4)
// open connections in its Postgres pool (one was enough to migrate).
TEST(Matching, EveryServiceStartsWithWarmPools) {
  for (const auto port : {stack->stack.user_port, stack->stack.trip_port, stack->stack.driver_port}) {
    const double open = metric(port, "pg_pool_connections", {"pool=\"postgres\"", "state=\"idle\""}, 0) +
                        metric(port, "pg_pool_connections", {"pool=\"postgres\"", "state=\"in_use\""}, 0);
    EXPECT_GE(open, 4) << "port " << port;
  }
}

TEST(Matching, HappyPathThroughTheGateway) {
  const double lat = 10.70;
  const double lng = 106.60;
  const auto ride = stack->offered_ride(lat, lng);
  ASSERT_FALSE(ride.trip_id.empty());
  ASSERT_EQ(str(ride.offer, "driverId"), ride.driver_id) << json::serialize(ride.offer);
  EXPECT_EQ(str(ride.offer, "status"), "requested");
  // Reserved: no longer searchable.
  EXPECT_FALSE(drivers::contains(stack->gateway.search(lat, lng), ride.driver_id));

  ASSERT_TRUE(stack->complete_trip(ride.trip_id, ride.driver_id));
  EXPECT_EQ(str(stack->trip(ride.trip_id, ride.rider), "status"), "completed");

  // Free again once trip-service's release reached driver-service.
  EXPECT_TRUE(stack->wait_searchable(ride.driver_id, lat, lng)) << "driver not searchable after completing the trip";
}

// Two drivers online near (lat, lng), `first` the nearer, and a new rider's
// trip there, as first offered.
struct TwoDrivers {
  std::string first;
  std::string second;
  std::string rider;  // token
  std::string id;     // the trip
  json::object offered;
};

TwoDrivers two_drivers_and_a_trip(double lat, double lng) {
  TwoDrivers t;
  t.first = stack->online_driver(lat, lng);
  t.second = stack->online_driver(lat + 0.001, lng);
  t.rider = stack->rider_token();
  t.id = stack->create_trip(t.rider, true, lat, lng);
  if (!t.id.empty()) t.offered = stack->wait_trip(t.id, t.rider, has_driver);
  return t;
}

// The trip once offered to a driver other than `previous`.
json::object reoffered(const TwoDrivers& t, const std::string& previous) {
  return stack->wait_trip(
      t.id, t.rider, [&](const json::object& trip) { return has_driver(trip) && str(trip, "driverId") != previous; });
}

TEST(Matching, DeclineReoffersToAnotherDriver) {
  const auto t = two_drivers_and_a_trip(11.20, 106.60);
  ASSERT_FALSE(t.id.empty());
  const auto a = str(t.offered, "driverId");
  ASSERT_TRUE(a == t.first || a == t.second) << json::serialize(t.offered);
  EXPECT_EQ(a, t.first) << "the nearest driver is offered first";
  const auto declined = stack->driver_action(t.id, a, "decline");
  ASSERT_EQ(declined.status, 200) << declined.body;

  const auto again = reoffered(t, a);
  const auto b = str(again, "driverId");
  EXPECT_TRUE(b == t.first || b == t.second) << json::serialize(again);
  EXPECT_NE(b, a);
  ASSERT_EQ(stack->driver_action(t.id, b, "decline").status, 200);

  // Both declined: the matcher finds nobody for the re-match event (attempt 3)
  // and puts it back for later; the trip is never offered to either again.
  EXPECT_TRUE(eventually([&] { return stack->waiting_for_a_driver(t.id, 3); }))
      << "the matcher never looked at the trip again";
  const auto after = stack->trip(t.id, t.rider);
  EXPECT_EQ(str(after, "status"), "requested") << json::serialize(after);
  EXPECT_FALSE(has_driver(after)) << json::serialize(after);

  // Left waiting, it would take the next driver to go online anywhere before
  // its first position (unlocated drivers are candidates for any trip).
  EXPECT_EQ(trips::set_status(stack->gateway, t.rider, t.id, "cancelled").status, 200);
}

TEST(Matching, OfferTimeoutReoffersToAnotherDriver) {
  const double lat = 11.70;
  const double lng = 106.60;
  const auto t = two_drivers_and_a_trip(lat, lng);
  ASSERT_FALSE(t.id.empty());
  ASSERT_EQ(str(t.offered, "driverId"), t.first) << json::serialize(t.offered);
  // Nobody answers: after OFFER_TIMEOUT_SECONDS the other driver gets it.
  const auto started = std::chrono::steady_clock::now();
  const auto again = reoffered(t, t.first);
  EXPECT_EQ(str(again, "driverId"), t.second) << json::serialize(again);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 1s);
  // The first driver was released: searchable again.
  EXPECT_TRUE(stack->wait_searchable(t.first, lat, lng));
  ASSERT_EQ(stack->driver_action(t.id, t.second, "accept").status, 200);
  EXPECT_EQ(str(stack->trip(t.id, t.rider), "status"), "accepted");
}

TEST(Matching, MetricsExportOutcomesAndQueueGauges) {
  const auto r = http_request(stack->stack.driver_port, "GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("matcher_outcomes_total{outcome=\"assigned\"}"), std::string::npos);
  EXPECT_NE(r.body.find("matcher_outcomes_total{outcome=\"no_driver\"}"), std::string::npos);
  EXPECT_NE(r.body.find("match_queue_depth"), std::string::npos);
  EXPECT_NE(r.body.find("matcher_time_to_assignment_seconds"), std::string::npos);
}

// The alert rules only name metrics the services really export.
TEST(Matching, AlertRulesNameExportedMetrics) {
  std::ifstream file(std::string(UITGO_SOURCE_DIR) + "/deploy/prometheus/alerts.yml");
  ASSERT_TRUE(file) << "deploy/prometheus/alerts.yml missing";
  const auto exported = metrics_text(stack->stack.driver_port) + metrics_text(stack->stack.trip_port);
  const std::regex metric(R"(\b(match_queue_\w+|outbox_\w+|matcher_\w+)\b)");
  std::string line;
  int names = 0;
  while (std::getline(file, line)) {
    if (line.find("expr:") == std::string::npos) continue;
    for (std::sregex_iterator it(line.begin(), line.end(), metric), end; it != end; ++it) {
      ++names;
      EXPECT_NE(exported.find((*it)[1].str()), std::string::npos) << (*it)[1].str() << " is not exported";
    }
  }
  EXPECT_GE(names, 5);
  EXPECT_NE(exported.find("match_queue_depth"), std::string::npos);
}

// Graceful shutdown leaves nothing behind: a trip created while
// driver-service is down waits in the queue and is matched once it is back.
TEST(Matching, TripCreatedWhileDriverServiceIsDownIsMatchedAfterRestart) {
  const double lat = 13.50;
  const double lng = 106.60;
  const auto driver = stack->online_driver(lat, lng);
  const auto stopping = std::chrono::steady_clock::now();
  stack->stack.stop("driver-service");
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, 10s) << "workers did not stop promptly";
  const auto rider = stack->rider_token();
  const auto id = stack->create_trip(rider, true, lat, lng);
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(eventually([&] { return stack->event_published(id); })) << "the event never reached the queue";
  EXPECT_FALSE(has_driver(stack->trip(id, rider)));
  stack->stack.start("driver-service");
  const auto offered = stack->wait_trip(id, rider, has_driver, 30s);
  EXPECT_EQ(str(offered, "driverId"), driver) << json::serialize(offered);
  EXPECT_EQ(trips::set_status(stack->gateway, rider, id, "cancelled").status, 200);
}

// A reservation for a trip that never got the driver (a matcher killed
// between reserve and offer) is found by the audit and released.
TEST(Matching, OrphanReservationIsReleasedByTheAudit) {
  const double lat = 14.10;
  const double lng = 106.60;
  const auto driver = stack->online_driver(lat, lng);
  const json::object body{{"tripId", new_uuid()}};
  const auto reserved = stack->direct.internal("POST", "/internal/drivers/" + driver + "/reserve", body);
  ASSERT_EQ(reserved.status, 200) << reserved.body;
  EXPECT_FALSE(drivers::contains(stack->gateway.search(lat, lng), driver));
  EXPECT_TRUE(stack->wait_searchable(driver, lat, lng, 30s)) << "the orphan reservation was not released";
  EXPECT_EQ(
      stack->direct.scalar("driver_db",
                           "SELECT count(*) FROM drivers WHERE current_trip_id IS NOT NULL AND id = '" + driver + "'"),
      "0");
}

// Last: it may take any free driver of the earlier tests.
TEST(Matching, TripWithoutCoordinatesGoesToTheDriverWaitingLongest) {
  // A trip still waiting could take `older` in the moment it is online
  // without a position yet (a candidate for any trip then).
  ASSERT_EQ(stack->trip_sql("SELECT count(*) FROM trips WHERE status = 'requested'"), "0")
      << "an earlier test left a trip waiting";
  const auto older = stack->online_driver(12.50, 106.60);
  const auto newer = stack->online_driver(12.50, 106.60);
  // `older` has been free far longer than any other driver.
  stack->direct.scalar(
      "driver_db", "UPDATE drivers SET free_since = now() - interval '1 hour' WHERE id = '" + older + "' RETURNING id");
  const auto expected =
      stack->direct.scalar("driver_db",
                           "SELECT id FROM drivers WHERE availability = 'online' AND current_trip_id IS NULL"
                           " ORDER BY free_since, id LIMIT 1");
  const auto rider = stack->rider_token();
  const auto id = stack->create_trip(rider, false);
  ASSERT_FALSE(id.empty());
  const auto offered = stack->wait_trip(id, rider, has_driver);
  EXPECT_EQ(expected, older);
  EXPECT_EQ(str(offered, "driverId"), older) << json::serialize(offered);
  EXPECT_NE(str(offered, "driverId"), newer);
}

}  // namespace
}  // namespace uitgo::test::matching
