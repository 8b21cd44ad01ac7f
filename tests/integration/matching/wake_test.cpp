// Waiting trips woken by a driver becoming free (driver/matcher/waiting_trips.hpp).
// Retries are a minute apart here (MATCH_RETRY_BASE_MS = MATCH_RETRY_MAX_MS =
// 60000), so a waiting trip offered within the tests' 20-second waits was
// woken, not retried. Each test works around its own pickup point; the
// stack is shared, and a trip left waiting would be the oldest one an
// unlocated driver wakes, so every test ends with its trips settled.
#include "matching/matching_support.hpp"
#include "support/metrics.hpp"
#include "support/shared_environment.hpp"

namespace uitgo::test::matching {
namespace {

Stack* stack = nullptr;

const auto* const environment = share_per_binary(stack, [] {
  return std::make_unique<Stack>(
      Env{{"MATCH_RETRY_BASE_MS", "60000"}, {"MATCH_RETRY_MAX_MS", "60000"}, {"MATCH_DEADLINE_SECONDS", "300"}});
});

// Whether the matcher parked the trip as waiting for a driver.
bool parked(const std::string& trip_id) {
  return !redis_cli(stack->stack.redis_port, "ZSCORE trips:waiting:since " + trip_id).empty();
}

bool wait_parked(const std::string& trip_id) {
  return eventually([&] { return parked(trip_id); }, 10s, 50ms);
}

double woken() { return metric(stack->stack.driver_port, "matcher_wakes_total", {"result=\"woken\""}, 0); }

// Online first (unlocated: it wakes no trip with a pickup), then its first
// position makes it free there, and that wakes the trip.
TEST(Wake, ADriverGoingOnlineWakesTheWaitingTrip) {
  const double lat = 10.40;
  const double lng = 106.60;
  const double before = woken();
  const auto rider = stack->rider_token();
  const auto trip = stack->create_trip(rider, true, lat, lng);
  ASSERT_FALSE(trip.empty());
  ASSERT_TRUE(wait_parked(trip)) << "no driver anywhere: the trip should be waiting";

  const auto driver = stack->online_driver(lat, lng);
  const auto offered = stack->wait_trip(trip, rider, has_driver);
  ASSERT_EQ(str(offered, "driverId"), driver) << json::serialize(offered);
  EXPECT_FALSE(parked(trip));
  EXPECT_GE(woken(), before + 1);
  EXPECT_TRUE(stack->complete_trip(trip, driver));
}

// Already free, 20 km away: going online wakes nothing; the ping that brings
// it within MATCH_RADIUS_METERS of the trip does. The wake happens within
// that ping's request, so the trip is out of the set once the ping answered.
TEST(Wake, AFreeDriverMovingIntoReachWakesTheWaitingTrip) {
  const double lat = 11.40;
  const double lng = 106.60;
  const auto rider = stack->rider_token();
  const auto trip = stack->create_trip(rider, true, lat, lng);
  ASSERT_FALSE(trip.empty());
  ASSERT_TRUE(wait_parked(trip));

  const auto driver = stack->online_driver(lat + 0.18, lng);
  EXPECT_TRUE(parked(trip)) << "20 km away: out of reach";
  const double before = woken();
  ASSERT_EQ(stack->gateway.ping(driver, lat + 0.01, lng), 204);
  EXPECT_FALSE(parked(trip)) << "1.1 km away: the ping should have claimed it";
  EXPECT_EQ(woken(), before + 1);
  const auto offered = stack->wait_trip(trip, rider, has_driver);
  ASSERT_EQ(str(offered, "driverId"), driver) << json::serialize(offered);
  EXPECT_TRUE(stack->complete_trip(trip, driver));
}

// The driver who declined a trip is never offered it again, so its pings
// next to the waiting trip must not wake it (it would only be parked again).
TEST(Wake, ADriverWhoDeclinedATripDoesNotWakeItAgain) {
  const double lat = 11.90;
  const double lng = 106.60;
  const auto ride = stack->offered_ride(lat, lng);
  ASSERT_EQ(str(ride.offer, "driverId"), ride.driver_id) << json::serialize(ride.offer);
  ASSERT_EQ(stack->driver_action(ride.trip_id, ride.driver_id, "decline").status, 200);
  ASSERT_TRUE(wait_parked(ride.trip_id)) << "nobody else is near: the trip should be waiting";

  const double before = woken();
  ASSERT_EQ(stack->gateway.ping(ride.driver_id, lat, lng), 204);
  EXPECT_TRUE(parked(ride.trip_id));
  EXPECT_EQ(woken(), before);

  EXPECT_EQ(trips::set_status(stack->gateway, ride.rider, ride.trip_id, "cancelled").status, 200);
}

// Last: it leaves a trip waiting far away (cancelled at the end).
TEST(Wake, AReleasedDriverWakesTheNearestWaitingTripInReach) {
  const double lat = 10.90;
  const double lng = 106.60;
  const auto ride = stack->offered_ride(lat, lng);
  ASSERT_EQ(str(ride.offer, "driverId"), ride.driver_id) << json::serialize(ride.offer);

  // Both wait while the only driver is busy: one next to it, one 50 km away.
  const auto near_rider = stack->rider_token();
  const auto near_trip = stack->create_trip(near_rider, true, lat + 0.002, lng);
  const auto far_rider = stack->rider_token();
  const auto far_trip = stack->create_trip(far_rider, true, lat + 0.45, lng);
  ASSERT_TRUE(wait_parked(near_trip));
  ASSERT_TRUE(wait_parked(far_trip));

  ASSERT_TRUE(stack->complete_trip(ride.trip_id, ride.driver_id));
  const auto offered = stack->wait_trip(near_trip, near_rider, has_driver);
  EXPECT_EQ(str(offered, "driverId"), ride.driver_id) << json::serialize(offered);
  EXPECT_TRUE(parked(far_trip)) << "out of MATCH_RADIUS_METERS: not woken";
  EXPECT_FALSE(has_driver(stack->trip(far_trip, far_rider)));

  EXPECT_TRUE(stack->complete_trip(near_trip, ride.driver_id));
  EXPECT_EQ(trips::set_status(stack->gateway, far_rider, far_trip, "cancelled").status, 200);
}

}  // namespace
}  // namespace uitgo::test::matching
