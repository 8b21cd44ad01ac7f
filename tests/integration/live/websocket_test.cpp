// Live tracking end to end: GET /v1/trips/{id}/ws on two trip-service
// instances behind the gateway, Redis pub/sub between them, the matcher in
// driver-service. Sockets connect DIRECTLY to one instance or the other (or
// once through nginx) to prove the fan-out crosses instances. Each test works
// around its own pickup point so drivers of other tests are never in range.
#include <gtest/gtest.h>

#include "live/ws_client.hpp"
#include "matching/matching_support.hpp"
#include "support/eventually.hpp"
#include "support/metrics.hpp"
#include "support/shared_environment.hpp"

namespace uitgo::test::live {
namespace {

matching::Stack* env = nullptr;
const auto* const environment = share_per_binary(env, [] {
  // Every driver here goes online where its trip starts. Unlocated drivers
  // as candidates would let a trip of an earlier test (still waiting) take a
  // new driver in the instant between its status change and its first ping.
  return std::make_unique<matching::Stack>(Env{{"MATCH_UNLOCATED_DRIVERS", "false"},
                                               {"OFFER_TIMEOUT_SECONDS", "120"},
                                               {"MATCH_DEADLINE_SECONDS", "300"},
                                               {"MATCH_RETRY_MAX_MS", "500"},
                                               {"WS_MAX_MESSAGE_BYTES", "4096"},
                                               {"WS_SEND_QUEUE", "16"},
                                               {"WS_SOCKET_SEND_BUFFER", "4096"},
                                               {"WS_PING_SECONDS", "1"},
                                               {"WS_IDLE_SECONDS", "4"},
                                               // Floods of frames measure fan-out here (the
                                               // limit has its own test in abuse.limits).
                                               {"WS_FRAMES_PER_SECOND", "0"}},
                                           /*driver_instances=*/1, /*trip_instances=*/2);
});

std::uint16_t instance(int i) { return env->stack.trip_ports.at(static_cast<std::size_t>(i)); }

WsHeaders bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

std::string ws_target(const std::string& trip_id) { return "/v1/trips/" + trip_id + "/ws"; }

std::unique_ptr<WsClient> connect(int i, const std::string& trip_id, const std::string& token, bool reading = true,
                                  int receive_buffer = 0) {
  auto client = std::make_unique<WsClient>(instance(i), ws_target(trip_id), bearer(token), reading, receive_buffer);
  EXPECT_TRUE(client->upgraded()) << client->handshake().status << " " << client->handshake().body;
  return client;
}

// A trip offered to a fresh driver at (lat, lng); accepted when `accept`.
matching::Ride offered_ride(double lat, double lng, bool accept) {
  const auto ride = env->offered_ride(lat, lng, 30s);
  EXPECT_EQ(str(ride.offer, "driverId"), ride.driver_id) << "the matcher did not offer the trip";
  if (accept) {
    const auto r = env->driver_action(ride.trip_id, ride.driver_id, "accept");
    EXPECT_EQ(r.status, 200) << r.body;
  }
  return ride;
}

bool is_status(const json::object& o, const std::string& status) {
  return str(o, "type") == "status" && str(o, "status") == status;
}

std::function<bool(const json::object&)> status_is(const std::string& status) {
  return [status](const json::object& o) { return is_status(o, status); };
}

std::function<bool(const json::object&)> location_at(double lat) {
  return [lat](const json::object& o) {
    if (str(o, "type") != "location") return false;
    const auto* loc = o.if_contains("location");
    return loc != nullptr && loc->is_object() && loc->as_object().at("lat").as_double() == lat;
  };
}

json::object location_message(double lat, double lng) { return {{"type", "location"}, {"lat", lat}, {"lng", lng}}; }

// ------------------------------------------------------------------ tests

TEST(LiveTracking, RefusesBeforeTheUpgrade) {
  const auto ride = offered_ride(12.10, 106.60, false);
  const auto target = ws_target(ride.trip_id);

  WsClient anonymous(instance(0), target);
  EXPECT_FALSE(anonymous.upgraded());
  EXPECT_EQ(anonymous.handshake().status, 401);
  EXPECT_NE(anonymous.handshake().body.find("\"code\""), std::string::npos) << anonymous.handshake().body;

  WsClient forged(instance(0), target, bearer("not-a-token"));
  EXPECT_EQ(forged.handshake().status, 401);

  const auto stranger = env->gateway.token("rider");
  WsClient other_rider(instance(1), target, bearer(stranger));
  EXPECT_FALSE(other_rider.upgraded());
  EXPECT_EQ(other_rider.handshake().status, 404);

  const auto other_driver = env->gateway.token("driver");
  WsClient wrong_driver(instance(0), target, bearer(other_driver));
  EXPECT_EQ(wrong_driver.handshake().status, 404);

  WsClient unknown_trip(instance(0), ws_target(new_uuid()), bearer(ride.rider));
  EXPECT_EQ(unknown_trip.handshake().status, 404);

  // A plain GET on the route is not an upgrade.
  const auto plain = Api(env->stack, instance(0)).call("GET", target, ride.rider);
  EXPECT_EQ(plain.status, 426) << plain.body;
  EXPECT_NE(plain.body.find("upgrade_required"), std::string::npos) << plain.body;
  // ?token= only counts for upgrades.
  const auto query = http_request(instance(0), "GET", "/v1/trips/" + ride.trip_id + "?token=" + ride.rider);
  EXPECT_EQ(query.status, 401) << query.body;

  // The rider, the offered driver and admins may connect; ?token= works.
  WsClient by_query(instance(1), target + "?token=" + ride.rider);
  EXPECT_TRUE(by_query.upgraded()) << by_query.handshake().status << " " << by_query.handshake().body;
  const auto first = by_query.next_of_type("status");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(str(*first, "tripId"), ride.trip_id);
  EXPECT_EQ(str(*first, "status"), "requested");
  EXPECT_EQ(str(*first, "driverId"), ride.driver_id);
  EXPECT_FALSE(str(*first, "timestamp").empty());

  auto driver = connect(0, ride.trip_id, ride.driver);
  EXPECT_TRUE(driver->next(status_is("requested")).has_value());
  auto admin = connect(0, ride.trip_id, env->gateway.token("admin"));
  EXPECT_TRUE(admin->next(status_is("requested")).has_value());
}

TEST(LiveTracking, TheMatchersOfferReachesTheRider) {
  const double lat = 12.60;
  const double lng = 106.60;
  const auto rider_id = new_uuid();
  const auto rider = env->gateway.token(rider_id, "rider");
  const auto trip_id = env->create_trip(rider, true, lat, lng);  // no driver near yet
  ASSERT_FALSE(trip_id.empty());
  auto socket = connect(1, trip_id, rider);
  ASSERT_TRUE(socket->next(status_is("requested")).has_value());

  const auto driver_id = env->direct.online_driver(lat, lng);
  const auto offer = socket->next([&](const json::object& o) { return str(o, "driverId") == driver_id; }, 60'000ms);
  ASSERT_TRUE(offer.has_value()) << "no offer event";
  EXPECT_EQ(str(*offer, "status"), "requested");

  auto driver = connect(0, trip_id, env->gateway.token(driver_id, "driver"));
  ASSERT_TRUE(driver->next(status_is("requested")).has_value());

  // Declining is an event too: driverId cleared.
  const auto decline = env->driver_action(trip_id, driver_id, "decline");
  ASSERT_EQ(decline.status, 200) << decline.body;
  const auto unassigned = [](const json::object& o) { return is_status(o, "requested") && !o.contains("driverId"); };
  EXPECT_TRUE(socket->next(unassigned).has_value());
  // The driver sees it too, and then the trip is no longer theirs: 1008.
  EXPECT_TRUE(driver->next(unassigned).has_value());
  const auto code = driver->wait_closed();
  ASSERT_TRUE(code.has_value()) << "the declining driver's socket stayed open";
  EXPECT_EQ(*code, 1008);
}

TEST(LiveTracking, FansOutAcrossInstances) {
  const auto ride = offered_ride(13.10, 106.60, false);
  auto rider = connect(0, ride.trip_id, ride.rider);    // instance A
  auto driver = connect(1, ride.trip_id, ride.driver);  // instance B
  ASSERT_TRUE(rider->next(status_is("requested")).has_value());
  ASSERT_TRUE(driver->next(status_is("requested")).has_value());

  // accept (REST, through the gateway) reaches both.
  ASSERT_EQ(env->driver_action(ride.trip_id, ride.driver_id, "accept").status, 200);
  EXPECT_TRUE(rider->next(status_is("accepted")).has_value());
  EXPECT_TRUE(driver->next(status_is("accepted")).has_value());

  // The driver's locations on B reach the rider on A.
  for (int i = 1; i <= 5; ++i) driver->send(location_message(13.10 + i * 0.001, 106.60));
  const auto last = rider->next(location_at(13.105));
  ASSERT_TRUE(last.has_value()) << "locations did not cross instances";
  EXPECT_EQ(str(*last, "tripId"), ride.trip_id);
  EXPECT_EQ(last->at("location").at("lng").as_double(), 106.60);
  EXPECT_FALSE(str(last->at("location").as_object(), "timestamp").empty());

  // A REST status change reaches both.
  ASSERT_EQ(env->set_trip_status(ride.trip_id, ride.driver_id, "arriving").status, 200);
  EXPECT_TRUE(rider->next(status_is("arriving")).has_value());
  EXPECT_TRUE(driver->next(status_is("arriving")).has_value());

  // A status message over the socket goes through the same use case.
  driver->send(json::object{{"type", "status"}, {"status", "in_ride"}});
  EXPECT_TRUE(rider->next(status_is("in_ride")).has_value());
  EXPECT_TRUE(driver->next(status_is("in_ride")).has_value());
  // ... with the same rules: a rider may only cancel, and not during the ride.
  rider->send(json::object{{"type", "status"}, {"status", "completed"}});
  const auto refused = rider->next_of_type("error");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(str(*refused, "code"), "forbidden") << json::serialize(*refused);
  rider->send(json::object{{"type", "status"}, {"status", "cancelled"}});
  const auto conflict = rider->next_of_type("error");
  ASSERT_TRUE(conflict.has_value());
  EXPECT_EQ(str(*conflict, "code"), "invalid_transition") << json::serialize(*conflict);

  // The last location is stored (coalesced) and shown by GET /v1/trips/{id}.
  EXPECT_TRUE(eventually(
      [&] {
        const auto t = env->trip(ride.trip_id, ride.rider);
        const auto* at = t.if_contains("lastLocation");
        return at != nullptr && at->is_object() && at->as_object().at("lat").as_double() == 13.105;
      },
      20'000ms))
      << json::serialize(env->trip(ride.trip_id, ride.rider));
  // ... and driver-service got it too (GEO index + history).
  EXPECT_TRUE(eventually(
      [&] {
        return env->gateway.scalar("driver_db", "SELECT lat FROM driver_last_locations WHERE driver_id = '" +
                                                    ride.driver_id + "'") == "13.105";
      },
      20'000ms));

  // A socket opened later gets the current status and the last location first.
  auto late = connect(1, ride.trip_id, ride.rider);
  EXPECT_TRUE(late->next(status_is("in_ride")).has_value());
  EXPECT_TRUE(late->next(location_at(13.105)).has_value());

  ASSERT_EQ(env->set_trip_status(ride.trip_id, ride.driver_id, "completed").status, 200);
  EXPECT_TRUE(rider->next(status_is("completed")).has_value());
  EXPECT_TRUE(late->next(status_is("completed")).has_value());
  // Once completed, locations are refused.
  driver->send(location_message(13.2, 106.6));
  const auto closed = driver->next_of_type("error");
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(str(*closed, "code"), "forbidden");
}

TEST(LiveTracking, BadFramesGetErrorFramesAndTheSocketStaysUsable) {
  const auto ride = offered_ride(13.60, 106.60, true);
  auto rider = connect(0, ride.trip_id, ride.rider);
  auto driver = connect(0, ride.trip_id, ride.driver);
  ASSERT_TRUE(rider->next(status_is("accepted")).has_value());
  ASSERT_TRUE(driver->next(status_is("accepted")).has_value());

  const auto expect_error = [](WsClient& client, const std::string& frame, const std::string& code) {
    client.send(frame);
    const auto error = client.next_of_type("error");
    ASSERT_TRUE(error.has_value()) << frame;
    EXPECT_EQ(str(*error, "code"), code) << frame << " → " << json::serialize(*error);
    EXPECT_FALSE(str(*error, "error").empty());
  };
  expect_error(*rider, "this is not json", "bad_message");
  expect_error(*rider, "[1,2,3]", "bad_message");
  expect_error(*rider, R"({"type":"teleport"})", "unknown_type");
  expect_error(*rider, R"({"type":"status","status":"flying"})", "validation_failed");
  expect_error(*driver, R"({"type":"location","lat":123,"lng":0})", "validation_failed");
  expect_error(*driver, R"({"type":"location","lat":"x","lng":0})", "validation_failed");
  // Only the trip's driver sends locations.
  expect_error(*rider, R"({"type":"location","lat":13.6,"lng":106.6})", "forbidden");

  // Still usable.
  rider->send(R"({"type":"ping"})");
  EXPECT_TRUE(rider->next_of_type("pong").has_value());
  driver->send(location_message(13.601, 106.6));
  EXPECT_TRUE(rider->next(location_at(13.601)).has_value());

  // A message above WS_MAX_MESSAGE_BYTES closes with 1009.
  driver->send(std::string(8192, ' ') + R"({"type":"ping"})");
  const auto code = driver->wait_closed();
  ASSERT_TRUE(code.has_value()) << "oversize message did not close the socket";
  EXPECT_EQ(*code, 1009);
  // Others are unaffected.
  rider->send(R"({"type":"ping"})");
  EXPECT_TRUE(rider->next_of_type("pong").has_value());
}

TEST(LiveTracking, WorksThroughTheGateway) {
  const auto ride = offered_ride(14.10, 106.60, true);
  WsClient rider(env->stack.gateway_port, ws_target(ride.trip_id) + "?token=" + ride.rider);
  ASSERT_TRUE(rider.upgraded()) << rider.handshake().status << " " << rider.handshake().body;
  ASSERT_TRUE(rider.next(status_is("accepted")).has_value());
  WsClient driver(env->stack.gateway_port, ws_target(ride.trip_id), bearer(ride.driver));
  ASSERT_TRUE(driver.upgraded()) << driver.handshake().status << " " << driver.handshake().body;
  ASSERT_TRUE(driver.next(status_is("accepted")).has_value());
  driver.send(location_message(14.101, 106.60));
  EXPECT_TRUE(rider.next(location_at(14.101)).has_value());
  ASSERT_EQ(env->set_trip_status(ride.trip_id, ride.driver_id, "arriving").status, 200);
  EXPECT_TRUE(rider.next(status_is("arriving")).has_value());

  // Unauthorized through the gateway too.
  WsClient anonymous(env->stack.gateway_port, ws_target(ride.trip_id));
  EXPECT_EQ(anonymous.handshake().status, 401);
}

TEST(LiveTracking, ASlowClientDoesNotStallOthers) {
  const auto ride = offered_ride(14.60, 106.60, true);
  // Never reads, with a tiny receive buffer: its queue fills up at once.
  auto stalled = connect(0, ride.trip_id, ride.rider, false, 4096);
  auto rider = connect(0, ride.trip_id, ride.rider);
  auto driver = connect(1, ride.trip_id, ride.driver);
  ASSERT_TRUE(rider->next(status_is("accepted")).has_value());
  ASSERT_TRUE(driver->next(status_is("accepted")).has_value());

  constexpr int kLocations = 3000;
  for (int i = 1; i <= kLocations; ++i) driver->send(location_message(14.0 + i * 0.0001, 106.60));
  const double last = 14.0 + kLocations * 0.0001;
  EXPECT_TRUE(rider->next(location_at(last), 60'000ms).has_value()) << "the reading client stopped receiving";
  ASSERT_EQ(env->set_trip_status(ride.trip_id, ride.driver_id, "arriving").status, 200);
  EXPECT_TRUE(rider->next(status_is("arriving")).has_value());

  // Instance A dropped location frames for the stalled client (counted).
  const auto a = instance(0);
  EXPECT_GT(metric(a, "websocket_connections"), 0) << metrics_text(a);
  EXPECT_GT(metric(a, "websocket_dropped_total", {"reason=\"dropped_oldest\""}), 0) << metrics_text(a);
  EXPECT_GT(metric(a, "websocket_messages_total", {"direction=\"in\""}), 0) << metrics_text(a);
}

TEST(LiveTracking, AClientThatNeverAnswersIsDisconnected) {
  const auto ride = offered_ride(14.80, 106.60, true);
  const auto idle_before = metric(instance(0), "websocket_disconnects_total", {"reason=\"idle\""}, 0);
  auto silent = connect(0, ride.trip_id, ride.rider, false);  // reads nothing, so answers no ping
  auto rider = connect(0, ride.trip_id, ride.rider);
  ASSERT_TRUE(rider->next(status_is("accepted")).has_value());
  // The silent client is dropped once WS_IDLE_SECONDS (4) pass without a
  // pong; by then the reading client has been connected as long and answered
  // every ping.
  EXPECT_TRUE(eventually(
      [&] { return metric(instance(0), "websocket_disconnects_total", {"reason=\"idle\""}, 0) > idle_before; }, 30s))
      << "a client answering no ping was never disconnected";
  rider->send(R"({"type":"ping"})");
  EXPECT_TRUE(rider->next_of_type("pong").has_value()) << "an active client was disconnected";
  silent->start_reading();
  EXPECT_TRUE(silent->wait_closed(30'000ms).has_value()) << "a client answering no ping was never disconnected";
}

// Last: it restarts the second instance.
TEST(LiveTracking, ShutdownClosesSocketsWithGoingAway) {
  const auto ride = offered_ride(15.10, 106.60, true);
  auto rider = connect(1, ride.trip_id, ride.rider);
  ASSERT_TRUE(rider->next(status_is("accepted")).has_value());
  env->stack.stop("trip-service-2");
  const auto code = rider->wait_closed(30'000ms);
  ASSERT_TRUE(code.has_value()) << "the socket was not closed by the shutdown";
  EXPECT_EQ(*code, 1001);
  env->stack.start("trip-service-2");
}

}  // namespace
}  // namespace uitgo::test::live
