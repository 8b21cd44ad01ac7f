// The rider app (rider_app/lib) against the gateway: every call of its
// services replayed with the bodies, query strings and headers its Dart code
// builds (absent and empty fields included), checking every field its models
// read with the type they cast to. The calls are named as in the app
// (AuthService.login, TripService.listTrips, ...).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>

#include "apps/app_client.hpp"
#include "live/ws_client.hpp"
#include "support/eventually.hpp"
#include "support/ids.hpp"
#include "support/shared_environment.hpp"
#include "support/test_stack.hpp"

namespace uitgo::test::apps {
namespace {

using namespace std::chrono_literals;

struct Stack {
  TestStack stack{StackOptions{.postgres = true, .redis = true, .services = true, .nginx = true}};
  Api gateway{stack, stack.gateway_port};
};

Stack* env = nullptr;
const auto* const environment = share_per_binary(env, [] { return std::make_unique<Stack>(); });

std::string new_email() { return "rider-" + unique_suffix() + "@uit.edu.vn"; }

// AuthService.register(email, password, name, phone?): phone only when not null.
HttpResponse register_rider(AppClient& app, const std::string& email, const std::string& password,
                            const std::optional<std::string>& phone = std::nullopt) {
  std::string body = R"({"email":")" + email + R"(","password":")" + password + R"(","name":"Nguyễn Văn A")";
  if (phone) body += R"(,"phone":")" + *phone + "\"";
  body += "}";
  return app.send("POST", "/auth/register", body);
}

// A freshly registered rider app, signed in.
AppClient signed_in_rider(const std::string& password = "secret123") {
  AppClient app(env->gateway, "rider app");
  const auto r = register_rider(app, new_email(), password);
  EXPECT_EQ(r.status, 201) << r.body;
  app.persist(body_of(r));
  return app;
}

// _persistSession: what the app reads from a session answer.
void expect_session(const json::object& s) {
  EXPECT_TRUE(is_dart_string(s, "accessToken"));
  EXPECT_TRUE(is_dart_string(s, "refreshToken"));
  EXPECT_TRUE(is_dart_num(s, "expiresIn"));
  EXPECT_TRUE(is_dart_int(s, "expiresIn")) << "seconds, toInt()";
  EXPECT_TRUE(is_dart_string(s, "id"));
  EXPECT_TRUE(is_dart_string(s, "email"));
  EXPECT_TRUE(is_dart_string(s, "name"));
  EXPECT_TRUE(is_dart_nullable_string(s, "phone"));
}

// UserProfile.fromJson.
void expect_user_profile(const json::object& u) {
  for (const char* key : {"id", "email", "name"}) EXPECT_TRUE(is_dart_string(u, key)) << key;
  EXPECT_TRUE(is_dart_nullable_string(u, "phone"));
  EXPECT_TRUE(is_timestamp(u, "createdAt"));
}

// TripDetail.fromJson.
void expect_trip_detail(const json::object& t) {
  for (const char* key : {"id", "riderId", "serviceId", "originText", "destText", "status"}) {
    EXPECT_TRUE(is_dart_string(t, key)) << key << ": " << json::serialize(t);
  }
  for (const char* key : {"originLat", "originLng", "destLat", "destLng"}) {
    EXPECT_TRUE(is_dart_nullable_num(t, key)) << key;
  }
  EXPECT_TRUE(is_timestamp(t, "createdAt"));
  EXPECT_TRUE(is_timestamp(t, "updatedAt"));
  EXPECT_TRUE(is_dart_nullable_string(t, "driverId"));
  const auto* last = t.if_contains("lastLocation");
  ASSERT_TRUE(last == nullptr || last->is_null() || last->is_object());
  if (last != nullptr && last->is_object()) {
    EXPECT_TRUE(is_dart_num(last->as_object(), "lat"));
    EXPECT_TRUE(is_dart_num(last->as_object(), "lng"));
    EXPECT_TRUE(is_timestamp(last->as_object(), "timestamp"));
  }
}

// The mail the log sender wrote for `email`: its reset token ("" when none yet).
std::string reset_token_mailed_to(const std::string& email) {
  std::ifstream log(env->stack.dir() + "/logs/user-service.log");
  std::stringstream text;
  text << log.rdbuf();
  std::string token;
  const std::regex line("\"to\":\"" + email + "\".*?token=([A-Za-z0-9_-]+)");
  std::istringstream lines(text.str());
  for (std::string l; std::getline(lines, l);) {
    std::smatch m;
    if (std::regex_search(l, m, line)) token = m[1];
  }
  return token;
}

// ------------------------------------------------------------ authentication

TEST(RiderApp, RegisterLoginMeAndRefresh) {
  AppClient app(env->gateway, "rider app");
  const auto email = new_email();
  // R2: without phone (the key is absent), then the same email again: 409.
  const auto created = register_rider(app, email, "secret123");
  ASSERT_EQ(created.status, 201) << created.body;
  expect_session(body_of(created));
  EXPECT_EQ(register_rider(app, email, "secret123").status, 409) << "the app says 'Email đã tồn tại'";
  // With an empty phone from the form: no phone, not an error.
  const auto empty_phone = register_rider(app, new_email(), "secret123", "");
  EXPECT_EQ(empty_phone.status, 201) << empty_phone.body;
  AppClient with_empty_phone(env->gateway, "rider app");
  with_empty_phone.persist(body_of(empty_phone));
  EXPECT_TRUE(body_of(with_empty_phone.send("GET", "/auth/me")).at("phone").is_null());
  // The stricter rule, named: 8 characters (the original took 6).
  const auto short_password = register_rider(app, new_email(), "123456");
  EXPECT_EQ(short_password.status, 400);
  EXPECT_EQ(str(body_of(short_password), "error"), "password must be at least 8 characters");

  // R1: login as typed; 200 and a Map.
  const auto login = app.send("POST", "/auth/login", R"({"email":")" + email + R"(","password":"secret123"})");
  ASSERT_EQ(login.status, 200) << login.body;
  expect_session(body_of(login));
  app.persist(body_of(login));
  // A wrong password: 401, after the interceptor's refresh and one retry (0.2(c)).
  const auto wrong = app.send("POST", "/auth/login", R"({"email":")" + email + R"(","password":"nope-nope"})");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(app.refreshes, 1);

  // R4: GET /auth/me.
  const auto me = app.send("GET", "/auth/me");
  ASSERT_EQ(me.status, 200) << me.body;
  expect_user_profile(body_of(me));
  EXPECT_EQ(str(body_of(me), "email"), email);

  // R5: PATCH /users/me with the fields that are not null; "" clears the phone.
  const auto named = app.send("PATCH", "/users/me", R"({"name":"Trần Thị B","phone":"0901234567"})");
  ASSERT_EQ(named.status, 200) << named.body;
  expect_user_profile(body_of(named));
  EXPECT_EQ(str(body_of(named), "phone"), "0901234567");
  const auto cleared = app.send("PATCH", "/users/me", R"({"phone":""})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(body_of(cleared).at("phone").is_null());
  EXPECT_EQ(str(body_of(cleared), "name"), "Trần Thị B");
  const auto nothing = app.send("PATCH", "/users/me", "{}");
  EXPECT_EQ(nothing.status, 400);
  EXPECT_FALSE(str(body_of(nothing), "error").empty()) << "the app shows data['error']";

  // R7: the interceptor's refresh with an expired access token.
  app.access_token = "expired.token.value";
  const auto again = app.send("GET", "/auth/me");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(app.refreshes, 2);
  EXPECT_TRUE(app.every_answer_has_plain_numbers());
}

TEST(RiderApp, ChangePassword) {
  auto app = signed_in_rider("secret123");
  // The same account signed in on another phone.
  AppClient other(env->gateway, "rider app, second phone");
  const auto email = str(body_of(app.send("GET", "/auth/me")), "email");
  const auto second = other.send("POST", "/auth/login", R"({"email":")" + email + R"(","password":"secret123"})");
  ASSERT_EQ(second.status, 200);
  other.persist(body_of(second));

  // A wrong current password: 400 naming it, never a 401 (no refresh, no retry).
  const auto wrong =
      app.send("POST", "/auth/change-password", R"({"currentPassword":"guess1234","newPassword":"brand-new-1"})");
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_EQ(str(body_of(wrong), "field"), "currentPassword");
  EXPECT_EQ(app.refreshes, 0);
  // Too short (the app's own check allows 6): the rule is named.
  const auto short_one =
      app.send("POST", "/auth/change-password", R"({"currentPassword":"secret123","newPassword":"123456"})");
  EXPECT_EQ(short_one.status, 400);
  EXPECT_EQ(str(body_of(short_one), "error"), "newPassword must be at least 8 characters");

  // Exactly 200 (the app tests == 200).
  const auto changed =
      app.send("POST", "/auth/change-password", R"({"currentPassword":"secret123","newPassword":"brand-new-1"})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(str(body_of(changed), "status"), "ok");
  // This phone stays signed in (access and refresh); the other phone's session is revoked.
  EXPECT_EQ(app.send("GET", "/auth/me").status, 200);
  EXPECT_TRUE(app.refresh()) << "the caller's own session survives";
  EXPECT_FALSE(other.refresh()) << "every other session is signed out";
  EXPECT_EQ(app.send("POST", "/auth/login", R"({"email":")" + email + R"(","password":"brand-new-1"})").status, 200);
  AppClient fresh(env->gateway, "rider app, old password");
  EXPECT_EQ(fresh.send("POST", "/auth/login", R"({"email":")" + email + R"(","password":"secret123"})").status, 401);
}

TEST(RiderApp, ForgotPasswordAndResetLink) {
  auto app = signed_in_rider("secret123");
  const auto email = str(body_of(app.send("GET", "/auth/me")), "email");
  // R3: exactly 200 and the same answer for a known and an unknown email.
  AppClient anonymous(env->gateway, "rider app, signed out");
  const auto known = anonymous.send("POST", "/auth/forgot-password", R"({"email":")" + email + R"("})");
  const auto unknown =
      anonymous.send("POST", "/auth/forgot-password", R"({"email":"nobody-)" + unique_suffix() + R"(@uit.edu.vn"})");
  ASSERT_EQ(known.status, 200) << known.body;
  EXPECT_EQ(unknown.status, 200);
  EXPECT_EQ(known.body, unknown.body) << "nothing tells whether the account exists";

  // MAIL_SENDER=log wrote the link; the token works once.
  std::string token;
  ASSERT_TRUE(eventually([&] { return !(token = reset_token_mailed_to(email)).empty(); }, 10s))
      << "no reset link in the user-service log";
  EXPECT_EQ(env->gateway.scalar("user_db", "SELECT count(*) FROM password_resets WHERE token_hash = '" + token + "'"),
            "0")
      << "only the digest is stored";
  const auto short_one =
      anonymous.send("POST", "/auth/reset-password", R"({"token":")" + token + R"(","newPassword":"1234567"})");
  EXPECT_EQ(str(body_of(short_one), "field"), "newPassword");
  const auto reset =
      anonymous.send("POST", "/auth/reset-password", R"({"token":")" + token + R"(","newPassword":"reset-pass-1"})");
  ASSERT_EQ(reset.status, 200) << reset.body;
  const auto reused =
      anonymous.send("POST", "/auth/reset-password", R"({"token":")" + token + R"(","newPassword":"reset-pass-2"})");
  EXPECT_EQ(reused.status, 400);
  EXPECT_EQ(str(body_of(reused), "field"), "token");
  EXPECT_FALSE(app.refresh()) << "a reset signs every session out";
  EXPECT_EQ(anonymous.send("POST", "/auth/login", R"({"email":")" + email + R"(","password":"reset-pass-1"})").status,
            200);

  // An expired link does not work.
  ASSERT_EQ(anonymous.send("POST", "/auth/forgot-password", R"({"email":")" + email + R"("})").status, 200);
  std::string second;
  ASSERT_TRUE(eventually(
      [&] {
        second = reset_token_mailed_to(email);
        return !second.empty() && second != token;
      },
      10s));
  env->gateway.sql("user_db", "UPDATE password_resets SET expires_at = now() - interval '1 second'");
  const auto expired =
      anonymous.send("POST", "/auth/reset-password", R"({"token":")" + second + R"(","newPassword":"reset-pass-3"})");
  EXPECT_EQ(expired.status, 400);
  EXPECT_EQ(str(body_of(expired), "field"), "token");
}

// ------------------------------------------------------------ trips

TEST(RiderApp, CreateListAndFetchTrips) {
  auto app = signed_in_rider();
  // R8: every optional field present, as Dart doubles; promotionCode is ignored.
  const auto created = app.send("POST", "/v1/trips",
                                R"({"originText":"Sảnh A, Đại học UIT","destText":"Ký túc xá Khu B",)"
                                R"("serviceId":"UIT-Go","originLat":10.8705,"originLng":106.8032,)"
                                R"("destLat":10.8788,"destLng":106.8065,"promotionCode":"UITGO50"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto trip = body_of(created);
  expect_trip_detail(trip);
  EXPECT_EQ(str(trip, "status"), "requested");
  EXPECT_EQ(number(trip.at("originLat")), 10.8705);
  EXPECT_NE(created.body.find("\"originLat\":10.8705"), std::string::npos) << created.body;
  // Without coordinates (the app adds each only when known) and a whole-number double.
  const auto text_only =
      app.send("POST", "/v1/trips", R"({"originText":"UIT","destText":"Thủ Đức","serviceId":"UIT-Bike"})");
  ASSERT_EQ(text_only.status, 201) << text_only.body;
  expect_trip_detail(body_of(text_only));
  const auto whole = app.send("POST", "/v1/trips",
                              R"({"originText":"A","destText":"B","serviceId":"UIT-Go","originLat":10.0,)"
                              R"("originLng":106.0,"destLat":11.0,"destLng":107.0})");
  ASSERT_EQ(whole.status, 201) << whole.body;
  EXPECT_NE(whole.body.find("\"originLng\":106.0"), std::string::npos) << whole.body;
  // A half pair is refused, naming the missing half.
  const auto half =
      app.send("POST", "/v1/trips", R"({"originText":"A","destText":"B","serviceId":"UIT-Go","originLat":10.87})");
  EXPECT_EQ(str(body_of(half), "field"), "originLng");

  // R9, the limit/offset form: /v1/trips?role=rider&limit=20&offset=0.
  const auto list = app.send("GET", "/v1/trips?role=rider&limit=20&offset=0");
  ASSERT_EQ(list.status, 200) << list.body;
  const auto page = body_of(list);
  for (const char* key : {"total", "limit", "offset"}) EXPECT_TRUE(is_dart_int(page, key)) << key;
  EXPECT_EQ(page.at("total").as_int64(), 3);
  ASSERT_EQ(page.at("items").as_array().size(), 3u);
  for (const auto& item : page.at("items").as_array()) expect_trip_detail(item.as_object());
  // The page form: /v1/trips?role=rider&page=2&pageSize=2 → offset (2-1)*2.
  const auto second = app.send("GET", "/v1/trips?role=rider&page=2&pageSize=2");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(body_of(second).at("limit").as_int64(), 2);
  EXPECT_EQ(body_of(second).at("offset").as_int64(), 2);
  ASSERT_EQ(body_of(second).at("items").as_array().size(), 1u);
  EXPECT_EQ(str(body_of(second).at("items").as_array()[0], "id"), str(trip, "id")) << "newest first: the oldest last";
  const auto first = app.send("GET", "/v1/trips?role=rider&page=1&pageSize=2");
  EXPECT_EQ(body_of(first).at("items").as_array().size(), 2u);
  EXPECT_EQ(body_of(first).at("offset").as_int64(), 0);

  // R10: GET /v1/trips/{id}.
  const auto fetched = app.send("GET", "/v1/trips/" + str(trip, "id"));
  ASSERT_EQ(fetched.status, 200) << fetched.body;
  expect_trip_detail(body_of(fetched));
  EXPECT_EQ(app.send("GET", "/v1/trips/" + new_uuid()).status, 404);
  EXPECT_TRUE(app.every_answer_has_plain_numbers());
}

TEST(RiderApp, LiveTripSocketAsTheNativeAppOpensIt) {
  auto app = signed_in_rider();
  const auto created = app.send("POST", "/v1/trips", R"({"originText":"A","destText":"B","serviceId":"UIT-Go"})");
  const auto trip_id = str(body_of(created), "id");
  // R11 native: ws://host/v1/trips/{id}/ws?role=rider&userId=<id> with the Authorization header.
  live::WsClient ws(env->stack.gateway_port, "/v1/trips/" + trip_id + "/ws?role=rider&userId=" + app.user_id,
                    {{"Authorization", "Bearer " + app.access_token}});
  ASSERT_TRUE(ws.upgraded()) << ws.handshake().status << " " << ws.handshake().body;
  const auto status = ws.next_of_type("status");
  ASSERT_TRUE(status);
  EXPECT_EQ(str(*status, "status"), "requested") << "data['status'] as String";
  // Cancelling (the rider's one edge) arrives as a status frame.
  ASSERT_EQ(app.send("POST", "/v1/trips/" + trip_id + "/status", R"({"status":"cancelled"})").status, 200);
  const auto cancelled = ws.next([](const json::object& o) { return str(o, "status") == "cancelled"; });
  EXPECT_TRUE(cancelled);
  for (const auto& text : ws.texts()) EXPECT_TRUE(plain_numbers(text)) << text;
  // userId in the query names nobody: the token does.
  AppClient stranger = signed_in_rider();
  live::WsClient impostor(env->stack.gateway_port, "/v1/trips/" + trip_id + "/ws?role=rider&userId=" + app.user_id,
                          {{"Authorization", "Bearer " + stranger.access_token}});
  EXPECT_EQ(impostor.handshake().status, 404);
}

// ------------------------------------------------------------ routing and home

TEST(RiderApp, RoutesWithoutARoutingServer) {
  auto app = signed_in_rider();
  // R12: RoutingService.fetchRoute, post<Map>('/routes', {origin, destination}).
  const auto r = app.send("POST", "/routes",
                          R"({"origin":{"lat":10.8705,"lng":106.8032},"destination":{"lat":10.8788,"lng":106.8065}})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto route = body_of(r);
  EXPECT_TRUE(is_dart_num(route, "distance"));
  EXPECT_TRUE(is_dart_num(route, "duration"));
  EXPECT_NEAR(number(route.at("distance")), 993, 10);
  EXPECT_NEAR(number(route.at("duration")), number(route.at("distance")) / (25 / 3.6), 0.2) << "25 km/h";
  const auto& coordinates = route.at("coordinates").as_array();
  ASSERT_EQ(coordinates.size(), 2u);
  EXPECT_EQ(number(coordinates[0].as_array()[0]), 106.8032) << "[lng, lat]";
  EXPECT_EQ(number(coordinates[0].as_array()[1]), 10.8705);
  EXPECT_TRUE(route.at("steps").as_array().empty());
  EXPECT_EQ(str(route, "source"), "estimate");
  // Bad coordinates: 400 naming them; no token: 401.
  const auto bad =
      app.send("POST", "/routes", R"({"origin":{"lat":100.0,"lng":106.8},"destination":{"lat":10.8,"lng":106.8}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(str(body_of(bad), "field"), "origin.lat");
  EXPECT_EQ(str(body_of(app.send("POST", "/routes", R"({"origin":{"lat":10.8,"lng":106.8}})")), "field"),
            "destination");
  AppClient anonymous(env->gateway, "signed out");
  EXPECT_EQ(anonymous.send("POST", "/routes", R"({"origin":{"lat":1,"lng":2},"destination":{"lat":1,"lng":2}})").status,
            401);
  EXPECT_TRUE(app.every_answer_has_plain_numbers());
}

TEST(RiderApp, HomePromotionsAndNews) {
  const auto admin = env->gateway.token("admin");
  for (const auto& [title, priority] : {std::pair{"low " + unique_suffix(), 1}, {"high " + unique_suffix(), 90}}) {
    const auto r = env->gateway.call("POST", "/admin/promotions", admin,
                                     R"({"title":")" + title +
                                         R"(","description":"D","code":"UIT50",)"
                                         R"("gradientStart":"#FFA751","gradientEnd":"#FFE259","priority":)" +
                                         std::to_string(priority) + "}");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  ASSERT_EQ(env->gateway
                .call("POST", "/admin/news", admin,
                      R"({"title":"Tin mới","body":"Nội dung","category":"safety","icon":"shield"})")
                .status,
            201);
  AppClient app(env->gateway, "rider app, home");  // no token needed, none sent
  // R22: GET /promotions as List<dynamic>.
  const auto promotions = app.send("GET", "/promotions");
  ASSERT_EQ(promotions.status, 200) << promotions.body;
  const auto banners = array_of(promotions);
  ASSERT_GE(banners.size(), 2u);
  std::int64_t previous = 1 << 30;
  for (const auto& item : banners) {
    const auto& p = item.as_object();
    for (const char* key : {"id", "title", "description", "code", "gradientStart", "gradientEnd"}) {
      EXPECT_TRUE(is_dart_string(p, key)) << key;
    }
    EXPECT_TRUE(is_dart_int(p, "priority"));
    EXPECT_TRUE(is_dart_nullable_string(p, "imageUrl"));
    EXPECT_TRUE(is_dart_nullable_string(p, "expiresAt"));
    EXPECT_TRUE(p.at("isActive").as_bool());
    EXPECT_LE(p.at("priority").as_int64(), previous) << "highest priority first";
    previous = p.at("priority").as_int64();
    const auto colour = str(p, "gradientStart");
    EXPECT_TRUE(colour.size() == 7 || colour.size() == 9) << "_colorFromHex reads 6 or 8 hex digits: " << colour;
  }
  EXPECT_EQ(banners[0].as_object().at("priority").as_int64(), 90);
  // R23: GET /news?limit=5 as List<dynamic>.
  const auto news = app.send("GET", "/news?limit=5");
  ASSERT_EQ(news.status, 200) << news.body;
  const auto items = array_of(news);
  ASSERT_FALSE(items.empty());
  EXPECT_LE(items.size(), 5u);
  for (const auto& item : items) {
    const auto& n = item.as_object();
    for (const char* key : {"id", "title", "body", "category", "icon"}) EXPECT_TRUE(is_dart_string(n, key)) << key;
    EXPECT_TRUE(is_timestamp(n, "publishedAt"));
  }
  EXPECT_EQ(str(items[0], "icon"), "shield");
  EXPECT_EQ(str(items[0], "category"), "safety");
  EXPECT_LE(array_of(app.send("GET", "/news")).size(), 5u) << "default limit 5";
  EXPECT_TRUE(app.every_answer_has_plain_numbers());
}

// ------------------------------------------------------------ notifications

// AppNotification.fromJson / NotificationPageResult.fromJson.
void expect_notification_page(const json::object& page) {
  for (const char* key : {"total", "limit", "offset"}) EXPECT_TRUE(is_dart_int(page, key)) << key;
  ASSERT_TRUE(page.at("items").is_array());
  for (const auto& item : page.at("items").as_array()) {
    const auto& n = item.as_object();
    for (const char* key : {"id", "title", "body", "type"}) EXPECT_TRUE(is_dart_string(n, key)) << key;
    EXPECT_TRUE(is_dart_nullable_string(n, "tripId"));
    EXPECT_TRUE(is_timestamp(n, "createdAt"));
    if (n.contains("readAt")) {
      EXPECT_TRUE(is_timestamp(n, "readAt"));
    }
  }
}

TEST(RiderApp, NotificationsAndDeviceToken) {
  auto app = signed_in_rider();
  // R16 with the app's defaults: the two welcome notifications of a new account.
  const auto welcome = app.send("GET", "/notifications?unreadOnly=true&limit=20&offset=0");
  ASSERT_EQ(welcome.status, 200) << welcome.body;
  expect_notification_page(body_of(welcome));
  EXPECT_EQ(body_of(welcome).at("total").as_int64(), 2);
  std::vector<std::string> types;
  const auto welcome_page = body_of(welcome);
  for (const auto& item : welcome_page.at("items").as_array()) types.push_back(str(item, "type"));
  std::sort(types.begin(), types.end());
  EXPECT_EQ(types, (std::vector<std::string>{"promotion", "system"}));

  // A trip an admin cancels: the rider hears of it (through trip-service's outbox).
  const auto created =
      app.send("POST", "/v1/trips", R"({"originText":"UIT","destText":"Thủ Đức","serviceId":"UIT-Go"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto trip_id = str(body_of(created), "id");
  const auto admin = env->gateway.token("admin");
  ASSERT_EQ(env->gateway.call("POST", "/v1/trips/" + trip_id + "/status", admin, R"({"status":"cancelled"})").status,
            200);
  json::object page;
  ASSERT_TRUE(eventually(
      [&] {
        const auto r = app.send("GET", "/notifications?unreadOnly=true&limit=20&offset=0");
        page = r.status == 200 ? body_of(r) : json::object{};
        return r.status == 200 && page.at("total").as_int64() == 3;
      },
      15s))
      << json::serialize(page);
  expect_notification_page(page);
  const auto& notification = page.at("items").as_array()[0].as_object();
  EXPECT_EQ(str(notification, "type"), "trip.cancelled");
  EXPECT_EQ(str(notification, "tripId"), trip_id);
  EXPECT_FALSE(notification.contains("readAt")) << "unread";

  // R17: PATCH without a body; the app ignores the answer.
  const auto read = app.send("PATCH", "/notifications/" + str(notification, "id") + "/read");
  EXPECT_EQ(read.status, 204) << read.body;
  EXPECT_EQ(body_of(app.send("GET", "/notifications?unreadOnly=true&limit=20&offset=0")).at("total").as_int64(), 2);
  const auto all = body_of(app.send("GET", "/notifications?unreadOnly=false&limit=20&offset=0"));
  expect_notification_page(all);
  EXPECT_TRUE(is_timestamp(all.at("items").as_array()[0].as_object(), "readAt")) << "read means readAt != null";

  // R18: _syncDeviceToken, on Android and again after onTokenRefresh.
  const auto token = "fcm-rider-" + unique_suffix();
  const auto registered =
      app.send("POST", "/v1/notifications/register", R"({"platform":"android","token":")" + token + R"("})");
  EXPECT_EQ(registered.status, 204) << registered.body;
  EXPECT_EQ(
      app.send("POST", "/v1/notifications/register", R"({"platform":"android","token":")" + token + R"(-2"})").status,
      204);
  EXPECT_TRUE(app.every_answer_has_plain_numbers());
}

}  // namespace
}  // namespace uitgo::test::apps
