// MATCHING_MODE=sync (the baseline): trip-service calls driver-service's
// POST /internal/match inline. driver-service is a FakeService that behaves
// like the matcher: it offers a driver through trip-service's internal API
// before answering.
#include <gtest/gtest.h>

#include "support/shared_environment.hpp"
#include "trips/trips_support.hpp"

namespace uitgo::test::trips {
namespace {

Harness* h = nullptr;

const auto* const environment = share_per_binary(h, [] {
  return std::make_unique<Harness>(Env{{"MATCHING_MODE", "sync"},
                                       {"MATCH_SYNC_TIMEOUT_MS", "1000"},
                                       {"OUTBOX_POLL_MS", "200"},
                                       {"OUTBOX_RETRY_BASE_MS", "100"},
                                       {"OUTBOX_RETRY_MAX_MS", "400"},
                                       {"OFFER_EXPIRY_BACKSTOP_SECONDS", "0"}});
});

// A matcher stand-in: offers `driver` for every event and answers assigned.
FakeService::Handler assigning(std::string driver_id) {
  return [driver_id](const FakeRequest& r) -> FakeResponse {
    if (r.target != "/internal/match") return {200, R"({"released":true})"};
    const auto event = json::parse(r.body).as_object();
    const auto trip_id = std::string(event.at("tripId").as_string());
    const auto offered = h->internal("POST", "/internal/trips/" + trip_id + "/offer",
                                     json::object{{"driverId", driver_id}, {"attempt", event.at("attempt")}});
    if (offered.status != 200) return {200, R"({"outcome":"not_open"})"};
    return {200, json::serialize(json::object{{"outcome", "assigned"}, {"driverId", driver_id}})};
  };
}

TEST(SyncMatching, TheTripComesBackWithItsDriver) {
  const auto rider = h->user("rider");
  const auto driver = h->user("driver");
  h->driver_service.set_handler(assigning(driver.id));
  const auto r = h->call("POST", "/v1/trips", &rider, trip_body());
  ASSERT_EQ(r.status, 201) << r.body;
  const auto trip = body_of(r);
  EXPECT_EQ(str(trip, "status"), "requested");
  EXPECT_EQ(str(trip, "driverId"), driver.id) << "matched before the answer";
  const auto id = str(trip, "id");

  const auto calls = h->driver_service.requests("/internal/match");
  ASSERT_FALSE(calls.empty());
  const auto& call = calls.back();
  EXPECT_EQ(call.method, "POST");
  EXPECT_EQ(call.headers.at("x-internal-token"), h->stack.internal_token());
  const auto event = json::parse(call.body).as_object();
  EXPECT_EQ(str(event, "tripId"), id);
  EXPECT_EQ(str(event, "riderId"), rider.id);
  EXPECT_EQ(event.at("attempt").as_int64(), 1);
  // The insurance row was settled inline: no second call later.
  EXPECT_EQ(h->scalar("trip_db",
                      "SELECT count(*) FROM outbox WHERE kind = 'trip_match' AND sent_at IS NOT NULL"
                      " AND payload->>'tripId' = '" +
                          id + "'"),
            "1");

  // The driver accepts and the ride goes on as in async mode.
  ASSERT_EQ(h->call("POST", "/v1/trips/" + id + "/accept", &driver).status, 200);
  h->driver_service.set_handler(nullptr);
}

TEST(SyncMatching, NoDriverCancelsTheTrip) {
  const auto rider = h->user("rider");
  h->driver_service.set_handler([](const FakeRequest&) -> FakeResponse { return {200, R"({"outcome":"no_driver"})"}; });
  const auto r = h->call("POST", "/v1/trips", &rider, trip_body());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(str(body_of(r), "status"), "cancelled");
  EXPECT_EQ(str(body_of(r), "cancelReason"), "no_driver");
  h->driver_service.set_handler(nullptr);
}

TEST(SyncMatching, FailureAndTimeoutAnswer503AndLeaveNoOpenTrip) {
  const auto rider = h->user("rider");
  h->driver_service.set_handler([](const FakeRequest&) -> FakeResponse { return {500, R"({"error":"boom"})"}; });
  auto r = h->call("POST", "/v1/trips", &rider, trip_body());
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_FALSE(r.header("retry-after").empty());

  h->driver_service.set_handler([](const FakeRequest& req) -> FakeResponse {
    if (req.target == "/internal/match") std::this_thread::sleep_for(2500ms);
    return {200, R"({"outcome":"no_driver"})"};
  });
  r = h->call("POST", "/v1/trips", &rider, trip_body());
  // Without the deadline (MATCH_SYNC_TIMEOUT_MS=1000) the call would have
  // waited for the answer and created the trip cancelled(no_driver): 201.
  EXPECT_EQ(r.status, 503) << r.body;
  h->driver_service.set_handler(nullptr);

  const auto rows = h->sql("trip_db", "SELECT status, cancel_reason FROM trips WHERE rider_id = '" + rider.id + "'");
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& row : rows) EXPECT_EQ(row, (std::vector<std::string>{"cancelled", "match_unavailable"}));
}

TEST(SyncMatching, ADeclineIsRematchedThroughDriverService) {
  const auto rider = h->user("rider");
  const auto first = h->user("driver");
  const auto second = h->user("driver");
  h->driver_service.set_handler(assigning(first.id));
  const auto id = str(body_of(h->call("POST", "/v1/trips", &rider, trip_body())), "id");
  h->driver_service.set_handler(assigning(second.id));
  const auto declined = h->call("POST", "/v1/trips/" + id + "/decline", &first);
  ASSERT_EQ(declined.status, 200) << declined.body;
  // The relay hands the re-match event (attempt 2) to driver-service.
  ASSERT_TRUE(eventually([&] {
    return str(body_of(h->internal("GET", "/internal/trips/" + id)), "driverId") == second.id;
  })) << "re-matched to the second driver";
  bool saw_attempt_two = false;
  for (const auto& c : h->driver_service.requests("/internal/match")) {
    const auto e = json::parse(c.body).as_object();
    if (str(e, "tripId") == id && e.at("attempt").as_int64() == 2) saw_attempt_two = true;
  }
  EXPECT_TRUE(saw_attempt_two);
  EXPECT_FALSE(h->driver_service.requests("/internal/drivers/" + first.id + "/release").empty());
  h->driver_service.set_handler(nullptr);
}

}  // namespace
}  // namespace uitgo::test::trips
