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
  const double lat = 10.70;
  const double lng = 106.60;
  const auto driver = stack->online_driver(lat, lng);
  const auto rider = stack->rider_token();
  const auto id = stack->create_trip(rider, true, lat, lng);
  ASSERT_FALSE(id.empty());
  const auto offered = stack->wait_trip(id, rider, has_driver, 10s);
  ASSERT_EQ(str(offered, "driverId"), driver) << json::serialize(offered);
  ASSERT_EQ(stack->driver_action(id, driver, "accept").status, 200);
  for (const char* s : {"arriving", "in_ride", "completed"}) {
    const auto r = stack->set_trip_status(id, driver, s);
    ASSERT_EQ(r.status, 200) << s << ": " << r.body;
  }
  EXPECT_EQ(str(stack->trip(id, rider), "status"), "completed");
}

TEST(MatchingSync, InternalMatchAnswersNotOpenAndNoDriver) {
  const auto none = stack->direct.internal("POST", "/internal/match",
                                           json::serialize(json::object{{"tripId", new_uuid()},
                                                                        {"riderId", new_uuid()},
                                                                        {"originLat", 1.0},
                                                                        {"originLng", 1.0},
                                                                        {"serviceId", "car"},
                                                                        {"createdAt", "2026-01-01T00:00:00Z"},
                                                                        {"createdAtMs", 1},
                                                                        {"attempt", 1}}));
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(json::parse(none.body).at("outcome").as_string(), "not_open");
  EXPECT_EQ(stack->direct.internal("POST", "/internal/match", "{").status, 400);
  const auto anonymous = http_request(stack->stack.driver_port, "POST", "/internal/match", "{}").status;
  EXPECT_TRUE(anonymous == 401 || anonymous == 403) << anonymous;
}

}  // namespace
}  // namespace uitgo::test::matching
