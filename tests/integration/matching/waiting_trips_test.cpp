// WaitingTrips (driver/matcher/waiting_trips.hpp) against a real Redis: which
// parked trip a free driver claims, and what parking, unparking and expiry
// leave behind. Drivers are made free by writing the index's keys directly
// (drivers:free, drivers:unlocated:free), as DriverIndex would.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <optional>
#include <set>
#include <thread>

#include "driver/index/driver_index.hpp"
#include "driver/matcher/waiting_trips.hpp"
#include "support/shared_environment.hpp"
#include "support/test_stack.hpp"

namespace uitgo::driver {
namespace {

test::TestStack* stack = nullptr;

const auto* const environment = test::share_per_binary(
    stack, [] { return std::make_unique<test::TestStack>(test::StackOptions{.postgres = false, .redis = true}); });

constexpr double kLat = 10.77;
constexpr double kLng = 106.70;
constexpr std::int64_t kNow = 1'800'000'000'000;
// About 111 m of latitude per 0.001 degree.
constexpr double kDegreesPer100m = 0.0009;

class WaitingTripsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    thread_ = std::thread([this] { io_.run(); });
    redis_ = std::make_unique<redis::Client>(io_.get_executor(), redis::Options::from_url(stack->redis_url()));
    command({"FLUSHALL"});
  }
  void TearDown() override {
    redis_.reset();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  template <typename T>
  T run(awaitable<T> op) {
    return asio::co_spawn(io_, std::move(op), asio::use_future).get();
  }
  redis::Reply command(redis::Command c) { return run(redis_->command(std::move(c))); }

  WaitingTrips trips() { return WaitingTrips(*redis_, {.radius_meters = 3000, .keep_for = Millis(180000)}); }
  void park(WaitingTrips& w, const std::string& id, std::optional<geo::LatLng> pickup, std::int64_t created_ms,
            std::set<std::string> excluded = {}) {
    const std::vector<ParkedTrip> one{{.trip_id = id,
                                       .token = "token-" + id,
                                       .pickup = pickup,
                                       .created_ms = created_ms,
                                       .excluded = std::move(excluded)}};
    run(w.update(one, {}, kNow));
  }
  void free_at(const std::string& driver, double lat, double lng) {
    command({"GEOADD", IndexKeys::free, lng, lat, driver});
  }
  void free_unlocated(const std::string& driver) { command({"ZADD", IndexKeys::unlocated_free, kNow, driver}); }
  std::string claim(WaitingTrips& w, const std::string& driver) {
    const auto claimed = run(w.claim_for(driver));
    if (!claimed) return "";
    EXPECT_EQ(claimed->token, "token-" + claimed->trip_id);
    return claimed->trip_id;
  }
  bool parked(const std::string& id) { return !command({"ZSCORE", WaitingKeys::since, id}).is_nil(); }

  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{std::in_place, io_.get_executor()};
  std::thread thread_;
  std::unique_ptr<redis::Client> redis_;
};

TEST_F(WaitingTripsTest, ALocatedDriverClaimsTheNearestTripInReachOneAtATime) {
  auto w = trips();
  park(w, "five-hundred-m", geo::LatLng{kLat + 5 * kDegreesPer100m, kLng}, kNow - 3000);
  park(w, "hundred-m", geo::LatLng{kLat + kDegreesPer100m, kLng}, kNow - 1000);
  park(w, "ten-km", geo::LatLng{kLat + 100 * kDegreesPer100m, kLng}, kNow - 9000);
  free_at("d1", kLat, kLng);

  EXPECT_EQ(claim(w, "d1"), "hundred-m");
  EXPECT_FALSE(parked("hundred-m")) << "claimed: out of the set";
  EXPECT_EQ(claim(w, "d1"), "five-hundred-m");
  EXPECT_EQ(claim(w, "d1"), "") << "ten-km is out of reach";
  EXPECT_TRUE(parked("ten-km"));
}

TEST_F(WaitingTripsTest, ADriverWhoIsNotFreeClaimsNothing) {
  auto w = trips();
  park(w, "t1", geo::LatLng{kLat, kLng}, kNow - 1000);
  park(w, "t2", std::nullopt, kNow - 1000);
  EXPECT_EQ(claim(w, "busy"), "");
  EXPECT_TRUE(parked("t1"));
  EXPECT_TRUE(parked("t2"));
}

TEST_F(WaitingTripsTest, ATripWithoutPickupGoesToAnyFreeDriverOnceNothingIsInReach) {
  auto w = trips();
  park(w, "near", geo::LatLng{kLat, kLng}, kNow - 1000);
  park(w, "newer-anywhere", std::nullopt, kNow - 1000);
  park(w, "older-anywhere", std::nullopt, kNow - 5000);
  free_at("d1", kLat, kLng);
  free_unlocated("u1");

  EXPECT_EQ(claim(w, "d1"), "near");
  EXPECT_EQ(claim(w, "d1"), "older-anywhere");
  EXPECT_EQ(claim(w, "u1"), "newer-anywhere");
  EXPECT_EQ(claim(w, "u1"), "");
}

// Where it is is unknown: it wakes no trip that has a pickup.
TEST_F(WaitingTripsTest, AnUnlocatedDriverClaimsOnlyATripWithoutPickup) {
  auto w = trips();
  park(w, "with-pickup", geo::LatLng{kLat, kLng}, kNow - 9000);
  free_unlocated("u1");
  EXPECT_EQ(claim(w, "u1"), "");
  EXPECT_TRUE(parked("with-pickup"));
  park(w, "without", std::nullopt, kNow - 1000);
  EXPECT_EQ(claim(w, "u1"), "without");
}

// A driver who declined a trip (or let its offer expire) is never offered it
// again: waking it for that driver would only park it again.
TEST_F(WaitingTripsTest, ADriverSkipsTheTripsOfferedToItBefore) {
  auto w = trips();
  park(w, "declined-near", geo::LatLng{kLat, kLng}, kNow - 1000, {"d1", "xd2"});
  park(w, "open-farther", geo::LatLng{kLat + 5 * kDegreesPer100m, kLng}, kNow - 1000);
  park(w, "declined-anywhere", std::nullopt, kNow - 9000, {"d1"});
  park(w, "open-anywhere", std::nullopt, kNow - 1000);
  free_at("d1", kLat, kLng);
  free_at("d2", kLat, kLng);

  EXPECT_EQ(claim(w, "d1"), "open-farther");
  EXPECT_EQ(claim(w, "d1"), "open-anywhere");
  EXPECT_EQ(claim(w, "d1"), "") << "everything left was offered to d1";
  EXPECT_TRUE(parked("declined-near"));
  EXPECT_EQ(claim(w, "d2"), "declined-near") << "d2 is not xd2";
  EXPECT_EQ(claim(w, "d2"), "declined-anywhere");
  EXPECT_TRUE(command({"HLEN", WaitingKeys::excluded}).as_int() == 0) << "claimed: nothing left behind";
}

TEST_F(WaitingTripsTest, UnparkingAndExpiryLeaveNothingBehind) {
  auto w = trips();
  park(w, "settled", geo::LatLng{kLat, kLng}, kNow - 1000);
  park(w, "cancelled-long-ago", std::nullopt, kNow - 200000);  // older than keep_for
  park(w, "declined", geo::LatLng{kLat, kLng}, kNow - 1000, {"d1"});
  // A pickup GEO cannot index is parked as a trip without one.
  park(w, "polar", geo::LatLng{89.0, kLng}, kNow - 1000);
  EXPECT_EQ(command({"ZSCORE", WaitingKeys::anywhere, "polar"}).is_nil(), false);

  const std::vector<WaitingTrips::Unpark> unpark{{.trip_id = "settled", .attempt = 1},
                                                 {.trip_id = "declined", .attempt = 1}};
  const std::vector<ParkedTrip> none;
  run(w.update(none, unpark, kNow));
  EXPECT_FALSE(parked("settled"));
  EXPECT_FALSE(parked("cancelled-long-ago")) << "dropped: past the deadline";
  EXPECT_TRUE(parked("polar"));
  EXPECT_TRUE(command({"HEXISTS", WaitingKeys::tokens, "settled"}).as_int() == 0);
  EXPECT_TRUE(command({"ZSCORE", WaitingKeys::near, "settled"}).is_nil());
  EXPECT_TRUE(command({"HEXISTS", WaitingKeys::tokens, "cancelled-long-ago"}).as_int() == 0);
  EXPECT_TRUE(command({"HEXISTS", WaitingKeys::excluded, "declined"}).as_int() == 0);
}

// A re-offer's event (attempt 2) waits while the first attempt's last
// delivery is settled: that must not unpark the newer one.
TEST_F(WaitingTripsTest, AnEarlierAttemptDoesNotUnparkALaterOne) {
  auto w = trips();
  const std::vector<ParkedTrip> second{
      {.trip_id = "t", .attempt = 2, .token = "token-t", .pickup = geo::LatLng{kLat, kLng}, .created_ms = kNow}};
  run(w.update(second, {}, kNow));
  const std::vector<ParkedTrip> none;
  const std::vector<WaitingTrips::Unpark> first{{.trip_id = "t", .attempt = 1}};
  run(w.update(none, first, kNow));
  EXPECT_TRUE(parked("t"));
  const std::vector<WaitingTrips::Unpark> same{{.trip_id = "t", .attempt = 2}};
  run(w.update(none, same, kNow));
  EXPECT_FALSE(parked("t"));
}

// The later event's list of drivers replaces the earlier one (it only grows
// in practice; an empty one clears it).
TEST_F(WaitingTripsTest, ParkingAgainReplacesTheTokenAndTheDriversSkipped) {
  auto w = trips();
  const std::vector<ParkedTrip> first{
      {.trip_id = "t", .token = "old", .pickup = geo::LatLng{kLat, kLng}, .created_ms = kNow, .excluded = {"d1"}}};
  run(w.update(first, {}, kNow));
  const std::vector<ParkedTrip> again{
      {.trip_id = "t", .token = "new", .pickup = geo::LatLng{kLat, kLng}, .created_ms = kNow}};
  run(w.update(again, {}, kNow));
  free_at("d1", kLat, kLng);
  const auto claimed = run(w.claim_for("d1"));
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->token, "new");
}

}  // namespace
}  // namespace uitgo::driver
