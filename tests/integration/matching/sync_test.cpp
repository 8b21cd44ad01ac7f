// MATCHING_MODE=sync: trip-service calls driver-service's POST /internal/match
// before answering; the rest of the trip is the same as in async mode.
#include "matching/matching_support.hpp"
#include "support/shared_environment.hpp"

namespace uitgo::test::matching {
namespace {

Stack* stack = nullptr;

const auto* const environment = share_per_binary(stack, [] {
  return std::make_unique<Stack>(Env{{"MATCHING_MODE", "sync"}});
});

TEST(MatchingSync, HappyPath) {
  const auto ride = stack->offered_ride(10.70, 106.60, 10s);
  ASSERT_FALSE(ride.trip_id.empty());
  ASSERT_EQ(str(ride.offer, "driverId"), ride.driver_id) << json::serialize(ride.offer);
  ASSERT_TRUE(stack->complete_trip(ride.trip_id, ride.driver_id));
  EXPECT_EQ(str(stack->trip(ride.trip_id, ride.rider), "status"), "completed");
}

TEST(MatchingSync, InternalMatchAnswersNotOpenAndNoDriver) {
  const auto none = stack->direct.internal("POST", "/internal/match",
                                           json::object{{"tripId", new_uuid()},
                                                        {"riderId", new_uuid()},
                                                        {"originLat", 1.0},
                                                        {"originLng", 1.0},
                                                        {"serviceId", "car"},
                                                        {"createdAt", "2026-01-01T00:00:00Z"},
                                                        {"createdAtMs", 1},
                                                        {"attempt", 1}});
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(json::parse(none.body).at("outcome").as_string(), "not_open");
  EXPECT_EQ(stack->direct.internal("POST", "/internal/match", "{").status, 400);
  const auto anonymous = http_request(stack->stack.driver_port, "POST", "/internal/match", "{}").status;
  EXPECT_TRUE(anonymous == 401 || anonymous == 403) << anonymous;
}

}  // namespace
}  // namespace uitgo::test::matching
