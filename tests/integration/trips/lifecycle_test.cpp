// trip-service on real Postgres and Redis (async matching): the trips API,
// object-level authorization, the state machine and trip_events, the
// Idempotency-Key, the outbox → stream path, offers, and driver releases
// (driver-service is a FakeService here).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "support/metrics.hpp"
#include "support/shared_environment.hpp"
#include "trips/trips_support.hpp"

namespace uitgo::test::trips {
namespace {

Harness* h = nullptr;

const auto* const environment = share_per_binary(h, [] {
  return std::make_unique<Harness>(Env{{"OUTBOX_POLL_MS", "200"},
                                       {"OUTBOX_RETRY_BASE_MS", "100"},
                                       {"OUTBOX_RETRY_MAX_MS", "400"},
                                       {"TRIP_MAINTENANCE_MS", "300"},
                                       {"OFFER_EXPIRY_BACKSTOP_SECONDS", "0"}});
});

HttpResponse offer(const std::string& trip_id, const User& driver, int attempt = 1) {
  return h->internal("POST", "/internal/trips/" + trip_id + "/offer",
                     json::object{{"driverId", driver.id}, {"attempt", attempt}});
}

// SELECT `what` over the trip's outbox rows of `kind` (of every kind when empty).
std::string outbox(const std::string& trip_id, const std::string& what, const std::string& kind = {}) {
  return h->scalar("trip_db", "SELECT " + what + " FROM outbox WHERE payload->>'tripId' = '" + trip_id + "'" +
                                  (kind.empty() ? "" : " AND kind = '" + kind + "'"));
}

std::vector<FakeRequest> releases_of(const std::string& driver_id) {
  return h->driver_service.requests("/internal/drivers/" + driver_id + "/release");
}

TEST(Trips, CreateAndGet) {
  const auto rider = h->user("rider");
  const auto r = h->call("POST", "/v1/trips", &rider, trip_body());
  ASSERT_EQ(r.status, 201) << r.body;
  const auto trip = body_of(r);
  const auto id = str(trip, "id");
  EXPECT_EQ(r.header("location"), "/v1/trips/" + id);
  EXPECT_EQ(str(trip, "riderId"), rider.id);
  EXPECT_EQ(str(trip, "status"), "requested");
  EXPECT_EQ(str(trip, "originText"), "Origin A");
  EXPECT_EQ(str(trip, "serviceId"), "car");
  EXPECT_TRUE(trip.at("driverId").is_null());
  EXPECT_TRUE(trip.at("cancelReason").is_null());
  EXPECT_TRUE(trip.at("lastLocation").is_null());
  EXPECT_DOUBLE_EQ(trip.at("originLat").as_double(), 10.7725);
  // ~6.67 km by car: (10,000 + 8,000 × 6.67) rounded to 1,000.
  EXPECT_EQ(trip.at("fareEstimate").as_int64(), 63'000);
  EXPECT_EQ(str(trip, "createdAt").size(), 24u) << str(trip, "createdAt");
  EXPECT_EQ(str(trip, "createdAt").back(), 'Z');

  const auto got = h->call("GET", "/v1/trips/" + id, &rider);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(body_of(got), trip);

  // Without coordinates (older clients): accepted, no estimate.
  const auto plain = create_trip(*h, rider, trip_body("B", false));
  EXPECT_TRUE(plain.at("fareEstimate").is_null());
  EXPECT_TRUE(plain.at("originLat").is_null());
}

TEST(Trips, CreateValidationAndRoles) {
  const auto rider = h->user("rider");
  auto missing = trip_body();
  missing.erase("destText");
  auto r = h->call("POST", "/v1/trips", &rider, missing);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(str(body_of(r), "code"), "validation_failed");
  EXPECT_EQ(str(body_of(r), "field"), "destText");

  auto lone = trip_body();
  lone.erase("originLng");
  r = h->call("POST", "/v1/trips", &rider, lone);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(str(body_of(r), "field"), "originLng");

  auto far = trip_body();
  far["destLat"] = 91;
  EXPECT_EQ(h->call("POST", "/v1/trips", &rider, far).status, 400);
  EXPECT_EQ(h->call("POST", "/v1/trips", rider, "{").status, 400);

  const auto driver = h->user("driver");
  EXPECT_EQ(h->call("POST", "/v1/trips", &driver, trip_body()).status, 403);
  EXPECT_EQ(h->call("POST", "/v1/trips", nullptr, trip_body()).status, 401);
  EXPECT_EQ(h->call("GET", "/v1/trips", nullptr).status, 401);
}

TEST(Trips, ListPaginationAndStatusFilter) {
  const auto rider = h->user("rider");
  const auto other = h->user("rider");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(str(create_trip(*h, rider, trip_body(std::to_string(i))), "id"));
  create_trip(*h, other);

  auto r = h->call("GET", "/v1/trips?limit=2", &rider);
  ASSERT_EQ(r.status, 200) << r.body;
  auto page = body_of(r);
  EXPECT_EQ(page.at("total").as_int64(), 5);
  EXPECT_EQ(page.at("limit").as_int64(), 2);
  EXPECT_EQ(page.at("offset").as_int64(), 0);
  ASSERT_EQ(page.at("items").as_array().size(), 2u);
  EXPECT_EQ(str(page.at("items").as_array()[0].as_object(), "id"), ids[4]) << "newest first";
  EXPECT_EQ(str(page.at("items").as_array()[1].as_object(), "id"), ids[3]);

  page = body_of(h->call("GET", "/v1/trips?limit=2&offset=4", &rider));
  ASSERT_EQ(page.at("items").as_array().size(), 1u);
  EXPECT_EQ(str(page.at("items").as_array()[0].as_object(), "id"), ids[0]);
  EXPECT_EQ(page.at("offset").as_int64(), 4);

  page = body_of(h->call("GET", "/v1/trips?offset=50", &rider));
  EXPECT_EQ(page.at("items").as_array().size(), 0u);
  EXPECT_EQ(page.at("total").as_int64(), 5);

  page = body_of(h->call("GET", "/v1/trips?limit=1000", &rider));
  EXPECT_EQ(page.at("limit").as_int64(), 100) << "clamped";
  EXPECT_EQ(page.at("items").as_array().size(), 5u) << "only the caller's own trips";
  page = body_of(h->call("GET", "/v1/trips", &rider));
  EXPECT_EQ(page.at("limit").as_int64(), 20);

  ASSERT_EQ(set_status(*h, rider, ids[1], "cancelled").status, 200);
  page = body_of(h->call("GET", "/v1/trips?status=cancelled", &rider));
  EXPECT_EQ(page.at("total").as_int64(), 1);
  EXPECT_EQ(str(page.at("items").as_array()[0].as_object(), "id"), ids[1]);
  page = body_of(h->call("GET", "/v1/trips?status=requested", &rider));
  EXPECT_EQ(page.at("total").as_int64(), 4);
  page = body_of(h->call("GET", "/v1/trips?status=requested,cancelled", &rider));
  EXPECT_EQ(page.at("total").as_int64(), 5);

  r = h->call("GET", "/v1/trips?status=flying", &rider);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(str(body_of(r), "field"), "status");
  EXPECT_EQ(h->call("GET", "/v1/trips?limit=abc", &rider).status, 400);

  // A driver with no trips sees none; an admin sees everyone's.
  const auto driver = h->user("driver");
  EXPECT_EQ(body_of(h->call("GET", "/v1/trips", &driver)).at("total").as_int64(), 0);
  const auto admin = h->user("admin");
  EXPECT_GE(body_of(h->call("GET", "/v1/trips", &admin)).at("total").as_int64(), 6);
}

TEST(Trips, ObjectLevelAuthorization) {
  const auto alice = h->user("rider");
  const auto bob = h->user("rider");
  const auto driver = h->user("driver");
  const auto admin = h->user("admin");
  const auto id = str(create_trip(*h, alice), "id");

  for (const auto* stranger : {&bob, &driver}) {
    auto r = h->call("GET", "/v1/trips/" + id, stranger);
    EXPECT_EQ(r.status, 404) << stranger->role;
    EXPECT_EQ(str(body_of(r), "code"), "not_found");
    EXPECT_EQ(set_status(*h, *stranger, id, "cancelled").status, 404) << stranger->role;
    EXPECT_EQ(set_status(*h, *stranger, id, "cancelled", "PATCH").status, 404) << stranger->role;
  }
  EXPECT_EQ(h->call("POST", "/v1/trips/" + id + "/accept", &driver).status, 404) << "not offered to this driver";
  EXPECT_EQ(h->call("POST", "/v1/trips/" + id + "/decline", &driver).status, 404);
  // Same answer as for a trip that does not exist.
  const auto missing = h->call("GET", "/v1/trips/" + new_uuid(), &bob);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(h->call("GET", "/v1/trips/" + id, &bob).body, missing.body);
  EXPECT_EQ(h->call("GET", "/v1/trips/not-a-uuid", &alice).status, 404);

  EXPECT_EQ(h->call("GET", "/v1/trips/" + id, &admin).status, 200);
  const auto bobs = body_of(h->call("GET", "/v1/trips", &bob));
  EXPECT_EQ(bobs.at("total").as_int64(), 0);
  EXPECT_EQ(str(body_of(h->call("GET", "/v1/trips/" + id, &alice)), "status"), "requested") << "nothing changed";

  // Once the driver is offered the trip, they see it; another driver does not.
  const auto other_driver = h->user("driver");
  ASSERT_EQ(offer(id, driver).status, 200);
  EXPECT_EQ(h->call("GET", "/v1/trips/" + id, &driver).status, 200);
  EXPECT_EQ(h->call("GET", "/v1/trips/" + id, &other_driver).status, 404);
  EXPECT_EQ(body_of(h->call("GET", "/v1/trips", &driver)).at("total").as_int64(), 1);
}

TEST(Trips, LifecycleWritesEventsAndReleasesTheDriver) {
  const auto rider = h->user("rider");
  const auto driver = h->user("driver");
  const auto admin = h->user("admin");
  const auto id = str(create_trip(*h, rider), "id");

  auto r = set_status(*h, rider, id, "completed");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(str(body_of(r), "code"), "invalid_transition");
  r = set_status(*h, admin, id, "accepted");
  EXPECT_EQ(r.status, 409) << "nobody was offered the trip";

  ASSERT_EQ(offer(id, driver).status, 200);
  r = h->call("POST", "/v1/trips/" + id + "/accept", &driver);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(body_of(r), "status"), "accepted");
  EXPECT_EQ(str(body_of(r), "driverId"), driver.id);
  r = h->call("POST", "/v1/trips/" + id + "/accept", &driver);
  EXPECT_EQ(r.status, 200) << "accepting twice is harmless";

  r = set_status(*h, rider, id, "arriving");
  EXPECT_EQ(r.status, 403) << "riders may only cancel";
  EXPECT_EQ(set_status(*h, driver, id, "in_ride").status, 409) << "no skipping";
  EXPECT_EQ(set_status(*h, driver, id, "arriving").status, 200);
  EXPECT_EQ(set_status(*h, driver, id, "in_ride", "PATCH").status, 200);
  r = set_status(*h, rider, id, "cancelled");
  EXPECT_EQ(r.status, 409) << "a ride in progress cannot be cancelled";
  EXPECT_EQ(str(body_of(r), "code"), "invalid_transition");
  r = set_status(*h, driver, id, "completed");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(body_of(r), "status"), "completed");
  EXPECT_EQ(set_status(*h, admin, id, "cancelled").status, 409) << "completed is final";
  EXPECT_EQ(h->call("POST", "/v1/trips/" + id + "/status", &driver, json::object{{"status", "bogus"}}).status, 400);

  const auto events = h->sql("trip_db",
                             "SELECT coalesce(from_status, '-'), to_status, actor_id, actor_role FROM trip_events"
                             " WHERE trip_id = '" +
                                 id + "' ORDER BY id");
  const std::vector<std::vector<std::string>> expected = {
      {"-", "requested", rider.id, "rider"},         {"requested", "accepted", driver.id, "driver"},
      {"accepted", "arriving", driver.id, "driver"}, {"arriving", "in_ride", driver.id, "driver"},
      {"in_ride", "completed", driver.id, "driver"},
  };
  EXPECT_EQ(events, expected);

  // Completing the trip frees the driver: driver-service gets the release.
  ASSERT_TRUE(eventually([&] { return !releases_of(driver.id).empty(); }));
  const auto release = releases_of(driver.id).front();
  EXPECT_EQ(release.method, "POST");
  EXPECT_EQ(json::parse(release.body).as_object().at("tripId").as_string(), id);
  EXPECT_EQ(release.headers.at("x-internal-token"), h->stack.internal_token());
  ASSERT_TRUE(
      eventually([&] { return outbox(id, "count(*) FILTER (WHERE sent_at IS NOT NULL)", "driver_release") == "1"; }));
}

TEST(Trips, CancellationsByRiderDriverAndAdmin) {
  const auto rider = h->user("rider");
  const auto driver = h->user("driver");
  const auto admin = h->user("admin");

  // Rider cancels while an offer is pending: the offer is withdrawn, the driver released.
  const auto a = str(create_trip(*h, rider), "id");
  ASSERT_EQ(offer(a, driver).status, 200);
  auto r = h->call("POST", "/v1/trips/" + a + "/status", &rider,
                   json::object{{"status", "cancelled"}, {"reason", "changed my mind"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(body_of(r), "status"), "cancelled");
  EXPECT_EQ(str(body_of(r), "cancelReason"), "changed my mind");
  EXPECT_TRUE(body_of(r).at("driverId").is_null());
  EXPECT_EQ(h->scalar("trip_db", "SELECT outcome FROM trip_offers WHERE trip_id = '" + a + "'"), "withdrawn");
  ASSERT_TRUE(eventually([&] { return !releases_of(driver.id).empty(); }));

  // The assigned driver cancels after accepting; the default reason says who.
  const auto driver2 = h->user("driver");
  const auto b = str(create_trip(*h, rider), "id");
  ASSERT_EQ(offer(b, driver2).status, 200);
  ASSERT_EQ(h->call("POST", "/v1/trips/" + b + "/accept", &driver2).status, 200);
  r = set_status(*h, driver2, b, "cancelled");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(body_of(r), "cancelReason"), "driver_cancelled");
  ASSERT_TRUE(eventually([&] { return !releases_of(driver2.id).empty(); }));

  // An admin may do anything legal.
  const auto c = str(create_trip(*h, rider), "id");
  r = set_status(*h, admin, c, "cancelled");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(str(body_of(r), "cancelReason"), "admin_cancelled");
  EXPECT_EQ(h->scalar("trip_db",
                      "SELECT actor_role FROM trip_events WHERE trip_id = '" + c + "' AND to_status = 'cancelled'"),
            "admin");
  EXPECT_EQ(outbox(c, "count(*)", "driver_release"), "0") << "no driver, nothing to release";
}

TEST(Trips, IdempotencyKeyRaceMakesOneTrip) {
  const auto rider = h->user("rider");
  const std::string key = "key-" + new_uuid();
  constexpr int kRequests = 10;
  std::vector<HttpResponse> responses(kRequests);
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      responses[i] = h->call("POST", "/v1/trips", &rider, trip_body(), {{"Idempotency-Key", key}});
    });
  }
  go.store(true);
  for (auto& t : threads) t.join();
  std::set<std::string> ids;
  int replays = 0;
  for (const auto& r : responses) {
    ASSERT_EQ(r.status, 201) << r.body;
    ids.insert(str(body_of(r), "id"));
    if (r.header("idempotent-replayed") == "true") ++replays;
  }
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(replays, kRequests - 1);
  EXPECT_EQ(h->scalar("trip_db", "SELECT count(*) FROM trips WHERE rider_id = '" + rider.id + "'"), "1");
  EXPECT_EQ(outbox(*ids.begin(), "count(*)", "trip_match"), "1") << "one match event too";

  // Later: the same answer; a different body with the same key is refused.
  const auto again = h->call("POST", "/v1/trips", &rider, trip_body(), {{"Idempotency-Key", key}});
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(str(body_of(again), "id"), *ids.begin());
  const auto different = h->call("POST", "/v1/trips", &rider, trip_body("other"), {{"Idempotency-Key", key}});
  EXPECT_EQ(different.status, 422);
  EXPECT_EQ(str(body_of(different), "code"), "idempotency_key_reused");
  // Keys are per rider.
  const auto someone_else = h->user("rider");
  const auto theirs = h->call("POST", "/v1/trips", &someone_else, trip_body(), {{"Idempotency-Key", key}});
  EXPECT_EQ(theirs.status, 201);
  EXPECT_NE(str(body_of(theirs), "id"), *ids.begin());
  EXPECT_EQ(h->call("POST", "/v1/trips", &rider, trip_body(), {{"Idempotency-Key", std::string(300, 'k')}}).status,
            400);
}

TEST(Trips, CreatingATripPublishesItsEvent) {
  StreamReader reader(h->stack);
  const auto rider = h->user("rider");
  const auto trip = create_trip(*h, rider);
  const auto id = str(trip, "id");
  const auto event = reader.wait_for(id);
  ASSERT_TRUE(event) << "no TripEvent on the stream";
  EXPECT_EQ(str(*event, "riderId"), rider.id);
  EXPECT_EQ(str(*event, "serviceId"), "car");
  EXPECT_EQ(str(*event, "createdAt"), str(trip, "createdAt"));
  EXPECT_DOUBLE_EQ(event->at("originLat").as_double(), 10.7725);
  EXPECT_DOUBLE_EQ(event->at("originLng").as_double(), 106.698);
  EXPECT_EQ(event->at("attempt").as_int64(), 1);
  ASSERT_TRUE(eventually([&] { return outbox(id, "count(*) FILTER (WHERE sent_at IS NOT NULL)") == "1"; }));
}

TEST(Trips, OffersDeclinesAndExpiries) {
  StreamReader reader(h->stack);
  const auto rider = h->user("rider");
  const auto d1 = h->user("driver");
  const auto d2 = h->user("driver");
  const auto d3 = h->user("driver");
  const auto id = str(create_trip(*h, rider), "id");
  ASSERT_TRUE(reader.wait_for(id, 1));

  // The matcher offers d1; repeating it (a redelivered event) changes nothing.
  auto r = offer(id, d1);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(body_of(r).at("created").as_bool());
  EXPECT_EQ(str(body_of(r), "driverId"), d1.id);
  EXPECT_EQ(str(body_of(r), "status"), "requested");
  r = offer(id, d1);
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(body_of(r).at("created").as_bool());
  r = offer(id, d2);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(str(body_of(r), "code"), "offer_pending");

  auto view = body_of(h->internal("GET", "/internal/trips/" + id));
  EXPECT_EQ(str(view, "driverId"), d1.id);
  EXPECT_EQ(view.at("excludedDriverIds").as_array().size(), 1u);
  EXPECT_TRUE(view.at("offerAgeMs").is_int64());
  EXPECT_GE(view.at("ageMs").as_int64(), 0);
  EXPECT_EQ(view.at("matchAttempt").as_int64(), 1);

  // d1 declines: the trip is free again, re-matched (attempt 2), d1 released and excluded.
  r = h->call("POST", "/v1/trips/" + id + "/decline", &d1);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(body_of(r).at("driverId").is_null());
  EXPECT_EQ(str(body_of(r), "status"), "requested");
  EXPECT_EQ(h->call("GET", "/v1/trips/" + id, &d1).status, 404);
  EXPECT_TRUE(reader.wait_for(id, 2)) << "re-match event";
  ASSERT_TRUE(eventually([&] { return !releases_of(d1.id).empty(); }));
  r = offer(id, d1, 2);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(str(body_of(r), "code"), "driver_excluded");

  // d2 does not answer: the matcher reports the expiry.
  ASSERT_EQ(offer(id, d2, 2).status, 200);
  r = h->internal("POST", "/internal/trips/" + id + "/offer-expired", json::object{{"driverId", d2.id}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(body_of(r).at("expired").as_bool());
  EXPECT_TRUE(body_of(r).at("driverId").is_null());
  r = h->internal("POST", "/internal/trips/" + id + "/offer-expired", json::object{{"driverId", d2.id}});
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(body_of(r).at("expired").as_bool());
  EXPECT_EQ(str(body_of(r), "offerOutcome"), "expired");
  EXPECT_TRUE(reader.wait_for(id, 3));
  ASSERT_TRUE(eventually([&] { return !releases_of(d2.id).empty(); }));
  EXPECT_EQ(h->internal("POST", "/internal/trips/" + id + "/offer-expired", json::object{{"driverId", d3.id}}).status,
            404)
      << "d3 was never offered this trip";

  // d3 accepts: expiry and the matcher's cancel are refused from now on.
  ASSERT_EQ(offer(id, d3, 3).status, 200);
  ASSERT_EQ(h->call("POST", "/v1/trips/" + id + "/accept", &d3).status, 200);
  r = h->internal("POST", "/internal/trips/" + id + "/offer-expired", json::object{{"driverId", d3.id}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(str(body_of(r), "code"), "offer_not_pending");
  r = h->internal("POST", "/internal/trips/" + id + "/cancel", json::object{{"reason", "no_driver"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(str(body_of(r), "code"), "invalid_transition");
  r = offer(id, d3, 3);
  EXPECT_EQ(r.status, 200) << "a redelivered event for the accepted driver";
  EXPECT_FALSE(body_of(r).at("created").as_bool());
  r = offer(id, h->user("driver"), 4);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(str(body_of(r), "code"), "trip_closed");
  EXPECT_EQ(h->call("POST", "/v1/trips/" + id + "/decline", &d3).status, 409) << "accepted: cancel instead";

  view = body_of(h->internal("GET", "/internal/trips/" + id));
  std::set<std::string> excluded;
  for (const auto& v : view.at("excludedDriverIds").as_array()) excluded.insert(std::string(v.as_string()));
  EXPECT_EQ(excluded, (std::set<std::string>{d1.id, d2.id, d3.id}));
  std::map<std::string, std::string> outcomes;
  for (const auto& o : view.at("offers").as_array()) {
    outcomes[std::string(o.at("driverId").as_string())] = std::string(o.at("outcome").as_string());
  }
  EXPECT_EQ(outcomes[d1.id], "declined");
  EXPECT_EQ(outcomes[d2.id], "expired");
  EXPECT_EQ(outcomes[d3.id], "accepted");
  EXPECT_EQ(view.at("matchAttempt").as_int64(), 3);
}

// The matcher's batches: one lookup of several trips (unknown ids left out,
// excluded drivers listed), then several offers in one call, each answered
// as the single offer would be; one refusal does not undo the others.
TEST(Trips, BatchLookupAndOffers) {
  const auto rider1 = h->user("rider");
  const auto rider2 = h->user("rider");
  const auto d1 = h->user("driver");
  const auto d2 = h->user("driver");
  const auto t1 = str(create_trip(*h, rider1), "id");
  const auto t2 = str(create_trip(*h, rider2), "id");
  const auto unknown = new_uuid();

  auto r = h->internal("POST", "/internal/trips/lookup", json::object{{"ids", json::array{t1, unknown, t2}}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto trips = body_of(r).at("trips").as_array();
  ASSERT_EQ(trips.size(), 2u);
  std::set<std::string> found;
  for (const auto& t : trips) {
    found.insert(str(t.as_object(), "id"));
    EXPECT_EQ(str(t.as_object(), "status"), "requested");
    EXPECT_TRUE(t.as_object().contains("ageMs"));
  }
  EXPECT_EQ(found, (std::set<std::string>{t1, t2}));

  const auto offer_item = [](const std::string& trip, const User& driver) {
    return json::object{{"tripId", trip}, {"driverId", driver.id}, {"attempt", 1}};
  };
  r = h->internal("POST", "/internal/trips/offers",
                  json::object{{"offers", json::array{offer_item(t1, d1), offer_item(t2, d2), offer_item(t1, d2),
                                                      offer_item(unknown, d1)}}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto results = body_of(r).at("results").as_array();
  ASSERT_EQ(results.size(), 4u);
  const std::vector<std::string> expected{"created", "created", "offer_pending", "not_found"};
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(str(results[i].as_object(), "outcome"), expected[i]) << i;
  }
  EXPECT_EQ(str(body_of(h->internal("GET", "/internal/trips/" + t1)), "driverId"), d1.id);
  EXPECT_EQ(str(body_of(h->internal("GET", "/internal/trips/" + t2)), "driverId"), d2.id);
  EXPECT_EQ(outbox(t1, "count(*)", "trip_notification"), "1") << "the driver's notification, once";

  // Repeating the batch (a redelivery): already_yours, nothing new written.
  r = h->internal("POST", "/internal/trips/offers", json::object{{"offers", json::array{offer_item(t1, d1)}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(body_of(r).at("results").as_array().at(0).as_object(), "outcome"), "already_yours");
  EXPECT_EQ(outbox(t1, "count(*)", "trip_notification"), "1");

  // Bad batches are refused whole, naming the item.
  r = h->internal("POST", "/internal/trips/offers",
                  json::object{{"offers", json::array{offer_item(t1, d1), json::object{{"tripId", t2}}}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(str(body_of(r), "field"), "offers[1].driverId");
  EXPECT_EQ(h->internal("POST", "/internal/trips/lookup", json::object{{"ids", json::array{}}}).status, 400);
  EXPECT_EQ(h->internal("POST", "/internal/trips/lookup", json::object{{"ids", json::array{"x"}}}).status, 400);
  for (const auto& id : {t1, t2}) {
    h->internal("POST", "/internal/trips/" + id + "/cancel", json::object{{"reason", "no_driver"}});
  }
}

TEST(Trips, MatcherCancelsWithNoDriver) {
  const auto rider = h->user("rider");
  const auto driver = h->user("driver");
  const auto id = str(create_trip(*h, rider), "id");
  ASSERT_EQ(offer(id, driver).status, 200);
  auto r = h->internal("POST", "/internal/trips/" + id + "/cancel", json::object{{"reason", "no_driver"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(body_of(r), "status"), "cancelled");
  EXPECT_EQ(str(body_of(r), "cancelReason"), "no_driver");
  EXPECT_EQ(h->internal("POST", "/internal/trips/" + id + "/cancel", json::object{{"reason", "no_driver"}}).status, 200)
      << "idempotent";
  EXPECT_EQ(str(body_of(h->call("GET", "/v1/trips/" + id, &rider)), "cancelReason"), "no_driver");
  const auto events = h->sql("trip_db", "SELECT actor_id, actor_role, reason FROM trip_events WHERE trip_id = '" + id +
                                            "' AND to_status = 'cancelled'");
  EXPECT_EQ(events, (std::vector<std::vector<std::string>>{{"matcher", "matcher", "no_driver"}}));
  ASSERT_TRUE(eventually([&] { return !releases_of(driver.id).empty(); })) << "the pending offer's driver";
  EXPECT_EQ(
      h->internal("POST", "/internal/trips/" + new_uuid() + "/cancel", json::object{{"reason", "no_driver"}}).status,
      404);
}

TEST(Trips, InternalRoutesNeedTheInternalToken) {
  const auto rider = h->user("rider");
  const auto id = str(create_trip(*h, rider), "id");
  EXPECT_EQ(http_request(h->stack.trip_port, "GET", "/internal/trips/" + id).status, 401);
  EXPECT_EQ(http_request(h->stack.trip_port, "POST", "/internal/trips/" + id + "/cancel", R"({"reason":"x"})",
                         {{"X-Internal-Token", "wrong"}})
                .status,
            401);
  EXPECT_EQ(h->call("GET", "/internal/trips/" + id, rider).status, 401) << "a user token is not the internal token";
  EXPECT_EQ(h->internal("GET", "/internal/trips/" + id).status, 200);
  EXPECT_EQ(h->internal("POST", "/internal/trips/" + id + "/offer", json::object{{"driverId", "x"}}).status, 400);
}

TEST(Trips, DriverReleaseIsRetriedUntilDriverServiceAnswers) {
  const auto rider = h->user("rider");
  const auto driver = h->user("driver");
  std::atomic<int> refusals{0};
  h->driver_service.set_handler([&](const FakeRequest& r) -> FakeResponse {
    if (r.target.find(driver.id) != std::string::npos && refusals.fetch_add(1) < 2) return {503, R"({"error":"busy"})"};
    return {200, R"({"released":true})"};
  });
  const auto id = str(create_trip(*h, rider), "id");
  ASSERT_EQ(offer(id, driver).status, 200);
  ASSERT_EQ(set_status(*h, rider, id, "cancelled").status, 200);
  ASSERT_TRUE(eventually([&] { return outbox(id, "sent_at IS NOT NULL", "driver_release") == "t"; }))
      << "delivered after the retries";
  EXPECT_EQ(releases_of(driver.id).size(), 3u);
  EXPECT_EQ(outbox(id, "attempts", "driver_release"), "3");
  h->driver_service.set_handler(nullptr);

  // 409 (not reserved for this trip) and 404 (unknown driver) are final answers.
  const auto gone = h->user("driver");
  h->driver_service.set_handler([](const FakeRequest&) -> FakeResponse { return {409, R"({"code":"conflict"})"}; });
  const auto id2 = str(create_trip(*h, rider), "id");
  ASSERT_EQ(offer(id2, gone).status, 200);
  ASSERT_EQ(set_status(*h, rider, id2, "cancelled").status, 200);
  ASSERT_TRUE(eventually([&] { return outbox(id2, "sent_at IS NOT NULL", "driver_release") == "t"; }));
  EXPECT_EQ(releases_of(gone.id).size(), 1u);
  h->driver_service.set_handler(nullptr);
}

TEST(Trips, MetricsExposeTheOutboxAndTheQueue) {
  const auto rider = h->user("rider");
  create_trip(*h, rider);
  ASSERT_TRUE(eventually([&] {
    const auto text = metrics_text(h->stack.trip_port);
    return text.find("outbox_backlog{kind=\"trip_match\"}") != std::string::npos &&
           text.find("match_queue_depth") != std::string::npos &&
           text.find("match_queue_dead_letter_depth") != std::string::npos &&
           text.find("outbox_published_total{kind=\"trip_match\"}") != std::string::npos &&
           text.find("trips_created_total{mode=\"async\"}") != std::string::npos;
  }));
}

}  // namespace
}  // namespace uitgo::test::trips
