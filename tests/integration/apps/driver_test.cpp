// The driver app (driver_app/lib) against the gateway: registration, profile,
// availability, the trips it polls, accepts and drives (REST and the trip
// WebSocket, where it sends its simulated position), password and routes;
// replayed with the bodies and query strings its Dart code builds, checking
// every field its models read with the type they cast to. The app never calls
// PUT /v1/drivers/me/location: with MATCH_UNLOCATED_DRIVERS (default on) it
// still gets trips with pickup coordinates.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "apps/app_client.hpp"
#include "live/ws_client.hpp"
#include "support/eventually.hpp"
#include "support/ids.hpp"
#include "support/shared_environment.hpp"
#include "support/shell.hpp"
#include "support/test_stack.hpp"

namespace uitgo::test::apps {
namespace {

using namespace std::chrono_literals;

struct Stack {
  TestStack stack{StackOptions{
      .postgres = true,
      .redis = true,
      .services = true,
      .nginx = true,
      .env = {{"DRIVER_STALE_SECONDS", "3"}, {"MATCH_RETRY_BASE_MS", "200"}, {"MATCH_RETRY_MAX_MS", "500"}}}};
  Api gateway{stack, stack.gateway_port};
  Api driver_service{stack, stack.driver_port};
};

Stack* env = nullptr;
const auto* const environment = share_per_binary(env, [] { return std::make_unique<Stack>(); });

// Far from any other test's pickup: only the drivers a test puts online match.
constexpr double kUitLat = 10.8705;
constexpr double kUitLng = 106.8032;

std::string new_email() { return "driver-" + unique_suffix() + "@uit.edu.vn"; }
std::string new_plate() { return "59X1-" + unique_suffix(); }

// AuthService.registerDriver: vehicle keys only when not null; an empty
// vehicle map removed.
std::string register_body(const std::string& email, const std::string& vehicle_json) {
  std::string body = R"({"name":"Nguyễn Văn A","email":")" + email +
                     R"(","phone":"0900000000","password":"secret123","licenseNumber":"59X1-12345")";
  if (!vehicle_json.empty()) body += R"(,"vehicle":)" + vehicle_json;
  return body + "}";
}

std::string full_vehicle(const std::string& plate) {
  return R"({"make":"Honda","model":"Wave","color":"Đỏ","plateNumber":")" + plate + R"("})";
}

// A registered driver app, signed in.
AppClient registered_driver(const std::string& vehicle_json = full_vehicle(new_plate())) {
  AppClient app(env->gateway, "driver app");
  const auto r = app.send("POST", "/v1/drivers/register", register_body(new_email(), vehicle_json));
  EXPECT_EQ(r.status, 201) << r.body;
  app.persist(body_of(r));
  return app;
}

// DriverService.toggleAvailability: PATCH /v1/drivers/{profile.id}/status.
HttpResponse toggle(AppClient& app, const std::string& status) {
  return app.send("PATCH", "/v1/drivers/" + app.user_id + "/status", R"({"status":")" + status + R"("})");
}

// Drivers a test put online go offline at its end, so later tests' trips
// never meet them (an unlocated driver is a candidate anywhere).
struct OnlineDrivers {
  std::vector<AppClient*> apps;
  AppClient& add(AppClient& app) {
    EXPECT_EQ(toggle(app, "online").status, 200);
    apps.push_back(&app);
    return app;
  }
  ~OnlineDrivers() {
    for (auto* app : apps) toggle(*app, "offline");
  }
};

// DriverProfile.fromJson.
void expect_driver_profile(const json::object& p) {
  for (const char* key : {"id", "userId", "fullName", "phone", "licenseNumber"}) {
    EXPECT_TRUE(is_dart_string(p, key)) << key << ": " << json::serialize(p);
  }
  EXPECT_EQ(str(p, "userId"), str(p, "id"));
  EXPECT_TRUE(is_dart_num(p, "rating"));
  EXPECT_TRUE(p.at("status").is_object() || p.at("status").is_string()) << "a Map or a String, nothing else";
  if (p.at("status").is_object()) {
    EXPECT_TRUE(is_dart_string(p.at("status").as_object(), "availability"));
  }
  EXPECT_TRUE(p.at("vehicle").is_null() || p.at("vehicle").is_object());
  if (p.at("vehicle").is_object()) {
    for (const char* key : {"make", "model", "color", "plateNumber"}) {
      EXPECT_TRUE(is_dart_nullable_string(p.at("vehicle").as_object(), key)) << key;
    }
  }
  EXPECT_TRUE(is_dart_nullable_string(p, "avatarUrl"));
  EXPECT_TRUE(is_dart_nullable_string(p, "vehicleType"));
}

// TripDetail.fromJson (driver app).
void expect_trip_detail(const json::object& t) {
  for (const char* key : {"id", "riderId", "serviceId", "originText", "destText", "status"}) {
    EXPECT_TRUE(is_dart_string(t, key)) << key;
  }
  for (const char* key : {"originLat", "originLng", "destLat", "destLng"}) EXPECT_TRUE(is_dart_nullable_num(t, key));
  EXPECT_TRUE(is_dart_nullable_string(t, "driverId"));
  EXPECT_TRUE(is_timestamp(t, "createdAt"));
}

// Trips opened by the running test, with their rider's token.
std::vector<std::pair<std::string, std::string>> opened_trips;

// A rider app's trip from the UIT campus (pickup coordinates as Dart doubles).
std::string rider_trip(const std::string& rider_token, double lat = kUitLat, double lng = kUitLng) {
  char body[512];
  std::snprintf(body, sizeof body,
                R"({"originText":"Sảnh A, Đại học UIT","destText":"Ký túc xá Khu B","serviceId":"UIT-Bike",)"
                R"("originLat":%.4f,"originLng":%.4f,"destLat":10.8788,"destLng":106.8065})",
                lat, lng);
  const auto r = env->gateway.call("POST", "/v1/trips", rider_token, std::string(body));
  EXPECT_EQ(r.status, 201) << r.body;
  const auto id = str(body_of(r), "id");
  opened_trips.emplace_back(id, rider_token);
  return id;
}

// Every test's trips are cancelled at its end: a declined trip left
// requested would be offered to the next test's unlocated driver first.
class DriverApp : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const auto& [trip_id, rider_token] : opened_trips) {
      env->gateway.call("POST", "/v1/trips/" + trip_id + "/status", rider_token, R"({"status":"cancelled"})");
    }
    opened_trips.clear();
  }
};

// TripService.listAssigned as the app polls it, until the trip shows as
// offered to this driver; the trip as listed ({} when it never did).
json::object wait_offered(AppClient& app, const std::string& trip_id, std::chrono::milliseconds timeout = 20s) {
  json::object found;
  eventually(
      [&] {
        const auto r = app.send("GET", "/v1/trips?role=driver&limit=20&offset=0");
        if (r.status != 200) return false;
        const auto page = body_of(r);
        // PagedTrips: `as int?` casts.
        EXPECT_TRUE(is_dart_int(page, "total") && is_dart_int(page, "limit") && is_dart_int(page, "offset"));
        for (const auto& item : page.at("items").as_array()) {
          if (str(item, "id") == trip_id && str(item, "driverId") == app.user_id) {
            found = item.as_object();
            return true;
          }
        }
        return false;
      },
      timeout, 200ms);
  return found;
}

std::string driver_of(const std::string& trip_id, const std::string& rider_token) {
  return str(body_of(env->gateway.call("GET", "/v1/trips/" + trip_id, rider_token)), "driverId");
}

// ------------------------------------------------------------ registration and profile

TEST_F(DriverApp, RegistersAsTheAppSendsIt) {
  AppClient app(env->gateway, "driver app");
  const auto plate = new_plate();
  // D2: a full form (never a year).
  const auto r = app.send("POST", "/v1/drivers/register", register_body(new_email(), full_vehicle(plate)));
  ASSERT_EQ(r.status, 201) << r.body;
  const auto session = body_of(r);
  for (const char* key : {"accessToken", "refreshToken", "id", "email", "name", "role"}) {
    EXPECT_TRUE(is_dart_string(session, key)) << key;
  }
  EXPECT_TRUE(is_dart_int(session, "expiresIn"));
  EXPECT_EQ(str(session, "role"), "driver");
  app.persist(session);
  // D4: GET /v1/drivers/me.
  const auto me = app.send("GET", "/v1/drivers/me");
  ASSERT_EQ(me.status, 200) << me.body;
  const auto profile = body_of(me);
  expect_driver_profile(profile);
  EXPECT_EQ(str(profile, "userId"), app.user_id);
  EXPECT_EQ(str(profile.at("vehicle"), "color"), "Đỏ");
  EXPECT_EQ(str(profile.at("vehicle"), "plateNumber"), plate);
  EXPECT_TRUE(profile.at("vehicle").at("year").is_null());
  EXPECT_EQ(str(profile.at("status"), "availability"), "offline");

  // Without vehicle data the app removes `vehicle` altogether.
  AppClient bare(env->gateway, "driver app, no vehicle");
  const auto no_vehicle = bare.send("POST", "/v1/drivers/register", register_body(new_email(), ""));
  ASSERT_EQ(no_vehicle.status, 201) << no_vehicle.body;
  bare.persist(body_of(no_vehicle));
  EXPECT_TRUE(body_of(bare.send("GET", "/v1/drivers/me")).at("vehicle").is_null());
  // Only the plate known; empty form fields count as not given.
  const auto partial =
      app.send("POST", "/v1/drivers/register", register_body(new_email(), R"({"plateNumber":")" + new_plate() + "\"}"));
  EXPECT_EQ(partial.status, 201) << partial.body;
  const auto empty_fields =
      app.send("POST", "/v1/drivers/register", register_body(new_email(), R"({"make":"","model":"","color":""})"));
  EXPECT_EQ(empty_fields.status, 201) << empty_fields.body;

  // 409s the app tells apart by "vehicle" in data['error'].
  const auto plate_taken = app.send("POST", "/v1/drivers/register", register_body(new_email(), full_vehicle(plate)));
  ASSERT_EQ(plate_taken.status, 409) << plate_taken.body;
  auto message = str(body_of(plate_taken), "error");
  std::transform(message.begin(), message.end(), message.begin(), ::tolower);
  EXPECT_NE(message.find("vehicle"), std::string::npos) << "'Biển số đã tồn tại.': " << message;
  const auto email = str(session, "email");
  const auto email_taken = app.send("POST", "/v1/drivers/register", register_body(email, full_vehicle(new_plate())));
  ASSERT_EQ(email_taken.status, 409);
  EXPECT_EQ(str(body_of(email_taken), "error").find("vehicle"), std::string::npos) << "'Email đã tồn tại.'";
  // A bad field is still named.
  const auto bad = app.send("POST", "/v1/drivers/register",
                            register_body(new_email(), R"({"make":"Honda","plateNumber":"59X1#123"})"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(str(body_of(bad), "field"), "vehicle.plateNumber");
  EXPECT_TRUE(app.every_answer_has_plain_numbers());
}

TEST_F(DriverApp, ProfileAvailabilityAndPassword) {
  auto app = registered_driver();
  // D5: the app reads the top-level availability.
  const auto online = toggle(app, "online");
  ASSERT_EQ(online.status, 200) << online.body;
  EXPECT_EQ(str(body_of(online), "availability"), "online");
  EXPECT_TRUE(is_timestamp(body_of(online), "updatedAt"));
  expect_driver_profile(body_of(online));
  const auto offline = toggle(app, "offline");
  EXPECT_EQ(str(body_of(offline), "availability"), "offline");
  // Someone else's status: the rule is named.
  AppClient other = registered_driver();
  const auto foreign = other.send("PATCH", "/v1/drivers/" + app.user_id + "/status", R"({"status":"online"})");
  EXPECT_EQ(foreign.status, 403);

  // D6: DriverProfileUpdateRequest.toJson, avatar (a path on the phone) included.
  const auto updated = app.send("PATCH", "/v1/drivers/me",
                                R"({"fullName":"Nguyễn Văn B","phone":"0911222333","licenseNumber":"59X1-99999",)"
                                R"("vehicleType":"Xe máy","avatar":"/data/user/0/vn.uitgo.driver/cache/avatar.jpg"})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  const auto profile = body_of(updated);
  expect_driver_profile(profile);
  EXPECT_EQ(str(profile, "fullName"), "Nguyễn Văn B");
  EXPECT_EQ(str(profile, "licenseNumber"), "59X1-99999");
  EXPECT_EQ(str(profile, "vehicleType"), "Xe máy");
  EXPECT_TRUE(profile.at("avatarUrl").is_null()) << "a file path on the phone is no URL";
  EXPECT_EQ(str(body_of(app.send("GET", "/v1/drivers/me")), "vehicleType"), "Xe máy");

  // A rider account in the driver app: 403 naming the rule.
  AppClient rider(env->gateway, "driver app, rider account");
  rider.access_token = env->gateway.token("rider");
  const auto refused = rider.send("GET", "/v1/drivers/me");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(str(body_of(refused), "error"), "only driver accounts may do this (this token is a rider's)");

  // D7: change-password, exactly 200; a wrong current password is no 401.
  const auto wrong =
      app.send("POST", "/auth/change-password", R"({"currentPassword":"nope-nope","newPassword":"secret456"})");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(app.refreshes, 0);
  EXPECT_EQ(
      app.send("POST", "/auth/change-password", R"({"currentPassword":"secret123","newPassword":"secret456"})").status,
      200);
  EXPECT_TRUE(app.every_answer_has_plain_numbers());
}

// ------------------------------------------------------------ matching without positions

TEST_F(DriverApp, GoesOnlineWithoutAPositionAndDrivesATrip) {
  auto app = registered_driver();
  OnlineDrivers online;
  online.add(app);  // and nothing else: the app sends no position
  EXPECT_EQ(redis_cli(env->stack.redis_port, "ZSCORE drivers:unlocated:free " + app.user_id).empty(), false);
  const auto rider = env->gateway.user("rider");
  const auto trip_id = rider_trip(rider.token);

  // D8: the app polls listAssigned and sees the offer.
  const auto offered = wait_offered(app, trip_id);
  ASSERT_FALSE(offered.empty()) << "the offer never reached the driver app";
  expect_trip_detail(offered);
  EXPECT_EQ(str(offered, "status"), "requested");
  // D9, D10.
  const auto fetched = app.send("GET", "/v1/trips/" + trip_id);
  ASSERT_EQ(fetched.status, 200);
  expect_trip_detail(body_of(fetched));
  ASSERT_EQ(app.send("POST", "/v1/trips/" + trip_id + "/accept").status, 200);

  // R11 and D13: both apps on the trip's socket (native: header; ?role&userId ignored).
  live::WsClient rider_ws(env->stack.gateway_port, "/v1/trips/" + trip_id + "/ws?role=rider&userId=" + rider.id,
                          {{"Authorization", "Bearer " + rider.token}});
  live::WsClient driver_ws(env->stack.gateway_port, "/v1/trips/" + trip_id + "/ws?role=driver&userId=" + app.user_id,
                           {{"Authorization", "Bearer " + app.access_token}});
  ASSERT_TRUE(rider_ws.upgraded() && driver_ws.upgraded());
  ASSERT_TRUE(driver_ws.next_of_type("status"));
  // The app's location ticker: its simulated position, a local time without a zone.
  driver_ws.send(
      std::string(R"({"type":"location","lat":10.8706,"lng":106.8033,"timestamp":"2025-05-01T17:03:11.123456"})"));
  const auto seen = rider_ws.next([](const json::object& o) { return str(o, "type") == "location"; });
  ASSERT_TRUE(seen) << "the rider never saw the driver's position";
  const auto& location = seen->at("location").as_object();
  EXPECT_EQ(number(location.at("lat")), 10.8706);
  EXPECT_EQ(number(location.at("lng")), 106.8033);
  EXPECT_TRUE(is_timestamp(location, "timestamp"));
  EXPECT_TRUE(redis_cli(env->stack.redis_port, "ZSCORE drivers:unlocated " + app.user_id).empty())
      << "its first position makes the driver located";
  // R10: the rider app's fetchTrip shows lastLocation.
  EXPECT_TRUE(eventually([&] {
    const auto t = body_of(env->gateway.call("GET", "/v1/trips/" + trip_id, rider.token));
    return t.contains("lastLocation") && t.at("lastLocation").is_object() &&
           number(t.at("lastLocation").at("lat")) == 10.8706;
  }));

  // sendStatus over the socket, then the REST calls (D12).
  driver_ws.send(std::string(R"({"type":"status","status":"arriving","timestamp":"2025-05-01T17:04:00.000"})"));
  EXPECT_TRUE(rider_ws.next([](const json::object& o) { return str(o, "status") == "arriving"; }));
  const auto skipped = app.send("POST", "/v1/trips/" + trip_id + "/status", R"({"status":"completed"})");
  EXPECT_EQ(skipped.status, 409);
  EXPECT_EQ(str(body_of(skipped), "error"),
            "a trip cannot go from arriving to completed (from arriving it can only go to in_ride or cancelled)");
  EXPECT_EQ(app.send("POST", "/v1/trips/" + trip_id + "/status", R"({"status":"in_ride"})").status, 200);
  EXPECT_EQ(app.send("POST", "/v1/trips/" + trip_id + "/status", R"({"status":"completed"})").status, 200);
  EXPECT_TRUE(rider_ws.next([](const json::object& o) { return str(o, "status") == "completed"; }));
  // D11 after the fact: the stricter rule, named.
  const auto decline = app.send("POST", "/v1/trips/" + trip_id + "/decline");
  EXPECT_EQ(decline.status, 409);
  for (const auto& text : rider_ws.texts()) EXPECT_TRUE(plain_numbers(text)) << text;
  for (const auto& text : driver_ws.texts()) EXPECT_TRUE(plain_numbers(text)) << text;
  EXPECT_TRUE(app.every_answer_has_plain_numbers());
}

TEST_F(DriverApp, LocatedDriversInReachFirstThenTheLongestWaiting) {
  auto first = registered_driver();
  auto second = registered_driver();
  auto located = registered_driver();
  OnlineDrivers online;
  online.add(first);
  std::this_thread::sleep_for(20ms);  // free_since strictly ordered
  online.add(second);
  online.add(located);
  ASSERT_EQ(located.send("PUT", "/v1/drivers/me/location", R"({"lat":10.8707,"lng":106.8031})").status, 204);

  const auto rider = env->gateway.user("rider");
  const auto trip_id = rider_trip(rider.token);
  ASSERT_FALSE(wait_offered(located, trip_id).empty()) << "the located driver in reach comes first";
  ASSERT_EQ(located.send("POST", "/v1/trips/" + trip_id + "/decline").status, 200);
  ASSERT_FALSE(wait_offered(first, trip_id).empty()) << "then the driver waiting longest";
  ASSERT_EQ(first.send("POST", "/v1/trips/" + trip_id + "/decline").status, 200);
  ASSERT_FALSE(wait_offered(second, trip_id).empty());
  EXPECT_EQ(driver_of(trip_id, rider.token), second.user_id);
  ASSERT_EQ(second.send("POST", "/v1/trips/" + trip_id + "/decline").status, 200);
}

TEST_F(DriverApp, AStaleDriverIsNoCandidateUntilItGoesOnlineAgain) {
  auto app = registered_driver();
  OnlineDrivers online;
  online.add(app);
  ASSERT_EQ(app.send("PUT", "/v1/drivers/me/location", R"({"lat":10.8705,"lng":106.8032})").status, 204);
  // DRIVER_STALE_SECONDS=3: the position goes stale, the sweep drops it.
  std::this_thread::sleep_for(3500ms);
  env->driver_service.run_task("driver-index-sweep");
  const auto rider = env->gateway.user("rider");
  const auto trip_id = rider_trip(rider.token);
  // The matcher looked and found nobody: it put the trip back for a later try.
  ASSERT_TRUE(eventually([&] {
    return redis_cli(env->stack.redis_port, "ZRANGE trip:match:delayed 0 -1").find(trip_id) != std::string::npos;
  }));
  EXPECT_EQ(driver_of(trip_id, rider.token), "");
  // Offline and online again: no position since, so a candidate once more.
  ASSERT_EQ(toggle(app, "offline").status, 200);
  ASSERT_EQ(toggle(app, "online").status, 200);
  EXPECT_FALSE(wait_offered(app, trip_id).empty());
  ASSERT_EQ(app.send("POST", "/v1/trips/" + trip_id + "/decline").status, 200);
}

TEST_F(DriverApp, UnlocatedDriversSurviveARedisRebuild) {
  auto app = registered_driver();
  OnlineDrivers online;
  online.add(app);
  // Redis lost the index: the maintenance task rebuilds it from Postgres.
  redis_cli(env->stack.redis_port, "DEL drivers:available drivers:unlocated drivers:unlocated:free");
  EXPECT_TRUE(eventually(
      [&] {
        env->driver_service.run_task("driver-index-sweep");
        return !redis_cli(env->stack.redis_port, "ZSCORE drivers:unlocated:free " + app.user_id).empty();
      },
      15s, 500ms));
  const auto rider = env->gateway.user("rider");
  const auto trip_id = rider_trip(rider.token);
  EXPECT_FALSE(wait_offered(app, trip_id).empty());
  ASSERT_EQ(app.send("POST", "/v1/trips/" + trip_id + "/decline").status, 200);
}

TEST_F(DriverApp, RoutesForTheDriverApp) {
  auto app = registered_driver();
  // D14: the same call as the rider app's.
  const auto r = app.send("POST", "/routes",
                          R"({"origin":{"lat":10.8705,"lng":106.8032},"destination":{"lat":10.8788,"lng":106.8065}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(is_dart_num(body_of(r), "distance"));
  EXPECT_EQ(body_of(r).at("coordinates").as_array().size(), 2u);
  EXPECT_TRUE(app.every_answer_has_plain_numbers());
}

TEST_F(DriverApp, RegistersItsDeviceToken) {
  auto app = registered_driver();
  // D17: NotificationApi.registerDeviceToken once Firebase hands out a token.
  const auto token = "fcm-driver-" + unique_suffix();
  const auto r = app.send("POST", "/v1/notifications/register", R"({"platform":"ios","token":")" + token + R"("})");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(env->gateway.scalar("user_db", "SELECT user_id FROM device_tokens WHERE token = '" + token + "'"),
            app.user_id);
  const auto refused = app.send("POST", "/v1/notifications/register", R"({"platform":"android"})");
  EXPECT_EQ(refused.status, 400) << "the app logs the error and retries at its next start";
}

}  // namespace
}  // namespace uitgo::test::apps
