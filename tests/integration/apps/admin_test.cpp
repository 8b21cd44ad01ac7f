// The admin app's calls (derived from the original's admin handlers, SPEC and
// the original gateway; its source is not in the reference) against the
// gateway: sign-in, /admin/me, the user list and changes, promotions and news,
// and dispatching: booking a trip for a rider and assigning a driver. The
// matcher is off in this stack (MATCHER_WORKERS=0) so every offer here is the
// admin's.
#include <gtest/gtest.h>

#include <memory>

#include "apps/app_client.hpp"
#include "support/ids.hpp"
#include "support/shared_environment.hpp"
#include "support/test_stack.hpp"

namespace uitgo::test::apps {
namespace {

struct Stack {
  TestStack stack{StackOptions{
      .postgres = true, .redis = true, .services = true, .nginx = true, .env = {{"MATCHER_WORKERS", "0"}}}};
  Api gateway{stack, stack.gateway_port};
};

Stack* env = nullptr;
const auto* const environment = share_per_binary(env, [] { return std::make_unique<Stack>(); });

std::string new_email(const std::string& tag = "user") { return tag + "-" + unique_suffix() + "@uitgo.dev"; }

// A new account (registered as a rider), signed in through `app`.
std::string sign_up(AppClient& app, const std::string& email, const std::string& name = "Someone") {
  const auto r = app.send("POST", "/auth/register",
                          R"({"email":")" + email + R"(","password":"secret123","name":")" + name + R"("})");
  EXPECT_EQ(r.status, 201) << r.body;
  app.persist(body_of(r));
  return app.user_id;
}

// An admin app signed in (A1) as a new admin account.
AppClient signed_in_admin() {
  AppClient app(env->gateway, "admin app");
  const auto email = new_email("admin");
  const auto id = sign_up(app, email, "Admin");
  env->gateway.sql("user_db", "UPDATE users SET role = 'admin' WHERE id = '" + id + "'");
  const auto login = app.send("POST", "/auth/login", R"({"email":")" + email + R"(","password":"secret123"})");
  EXPECT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(str(body_of(login), "role"), "admin");
  app.persist(body_of(login));
  return app;
}

void expect_user(const json::object& u) {
  for (const char* key : {"id", "name", "email", "role"}) EXPECT_TRUE(is_dart_string(u, key)) << key;
  EXPECT_TRUE(is_dart_nullable_string(u, "phone"));
  EXPECT_TRUE(is_timestamp(u, "createdAt"));
  EXPECT_TRUE(u.at("disabled").is_bool());
}

TEST(AdminApp, SignsInAndReadsItsProfile) {
  auto admin = signed_in_admin();
  // A2: GET /admin/me.
  const auto me = admin.send("GET", "/admin/me");
  ASSERT_EQ(me.status, 200) << me.body;
  expect_user(body_of(me));
  EXPECT_EQ(str(body_of(me), "role"), "admin");
  EXPECT_EQ(str(body_of(me), "id"), admin.user_id);
  AppClient rider(env->gateway, "rider");
  sign_up(rider, new_email());
  const auto refused = rider.send("GET", "/admin/me");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(str(body_of(refused), "error"), "only admin accounts may do this (this token is a rider's)");
}

TEST(AdminApp, ListsAndFiltersUsers) {
  auto admin = signed_in_admin();
  const std::string tag = "Filter" + unique_suffix();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    AppClient user(env->gateway, "user");
    ids.push_back(sign_up(user, new_email(), tag + " Person " + std::to_string(i)));
  }
  env->gateway.sql("user_db", "UPDATE users SET role = 'driver', disabled = true WHERE id = '" + ids[0] + "'");
  // A3: {items, total, limit, offset}.
  const auto all = admin.send("GET", "/admin/users?q=" + tag + "&limit=50&offset=0");
  ASSERT_EQ(all.status, 200) << all.body;
  const auto page = body_of(all);
  for (const char* key : {"total", "limit", "offset"}) EXPECT_TRUE(is_dart_int(page, key)) << key;
  EXPECT_EQ(page.at("total").as_int64(), 3);
  for (const auto& u : page.at("items").as_array()) expect_user(u.as_object());
  EXPECT_EQ(str(page.at("items").as_array()[0], "id"), ids[2]) << "newest first";
  const auto drivers = body_of(admin.send("GET", "/admin/users?role=driver&q=" + tag));
  ASSERT_EQ(drivers.at("total").as_int64(), 1);
  EXPECT_EQ(str(drivers.at("items").as_array()[0], "id"), ids[0]);
  EXPECT_EQ(body_of(admin.send("GET", "/admin/users?disabled=true&q=" + tag)).at("total").as_int64(), 1);
  EXPECT_EQ(body_of(admin.send("GET", "/admin/users?disabled=no&q=" + tag)).at("total").as_int64(), 2);
  EXPECT_EQ(body_of(admin.send("GET", "/admin/users?disabled=all&q=" + tag)).at("total").as_int64(), 3);
  const auto second = body_of(admin.send("GET", "/admin/users?q=" + tag + "&limit=1&offset=1"));
  EXPECT_EQ(second.at("items").as_array().size(), 1u);
  EXPECT_EQ(second.at("limit").as_int64(), 1);
  EXPECT_EQ(second.at("offset").as_int64(), 1);
  EXPECT_EQ(str(second.at("items").as_array()[0], "id"), ids[1]);
  // Search is in name or email, case-insensitive; % and _ are literal.
  EXPECT_EQ(body_of(admin.send("GET", "/admin/users?q=" + tag + "%20person%201")).at("total").as_int64(), 1);
  EXPECT_EQ(body_of(admin.send("GET", "/admin/users?q=%25%25%25" + tag)).at("total").as_int64(), 0);
  const auto bad = admin.send("GET", "/admin/users?disabled=maybe");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(str(body_of(bad), "field"), "disabled");
  EXPECT_EQ(str(body_of(admin.send("GET", "/admin/users?role=boss")), "field"), "role");
}

TEST(AdminApp, ChangesRolesAndDisablesAccounts) {
  auto admin = signed_in_admin();
  AppClient user(env->gateway, "someone's app");
  const auto id = sign_up(user, new_email());
  // A4: role alone; it shows in the next tokens.
  const auto promoted = admin.send("PATCH", "/admin/users/" + id, R"({"role":"driver"})");
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  expect_user(body_of(promoted));
  EXPECT_EQ(str(body_of(promoted), "role"), "driver");
  ASSERT_TRUE(user.refresh());
  EXPECT_EQ(env->gateway.scalar("user_db", "SELECT role FROM users WHERE id = '" + id + "'"), "driver");
  AppClient check(env->gateway, "check");
  check.access_token = user.access_token;
  EXPECT_EQ(check.send("GET", "/v1/trips?role=driver&limit=20&offset=0").status, 200)
      << "the refreshed token carries the new role";
  // disabled alone: sessions end.
  ASSERT_EQ(admin.send("PATCH", "/admin/users/" + id, R"({"disabled":true})").status, 200);
  EXPECT_FALSE(user.refresh());
  ASSERT_EQ(admin.send("PATCH", "/admin/users/" + id, R"({"disabled":false,"role":"rider"})").status, 200);
  // Rules, named.
  const auto nothing = admin.send("PATCH", "/admin/users/" + id, "{}");
  EXPECT_EQ(nothing.status, 400);
  EXPECT_EQ(str(body_of(admin.send("PATCH", "/admin/users/" + id, R"({"role":"owner"})")), "field"), "role");
  const auto self_disable = admin.send("PATCH", "/admin/users/" + admin.user_id, R"({"disabled":true})");
  EXPECT_EQ(self_disable.status, 403);
  EXPECT_EQ(str(body_of(self_disable), "error"), "an admin cannot disable their own account");
  const auto self_demote = admin.send("PATCH", "/admin/users/" + admin.user_id, R"({"role":"rider"})");
  EXPECT_EQ(self_demote.status, 403);
  EXPECT_EQ(admin.send("PATCH", "/admin/users/" + admin.user_id, R"({"role":"admin"})").status, 200);
  EXPECT_EQ(admin.send("PATCH", "/admin/users/" + new_uuid(), R"({"disabled":true})").status, 404);
}

TEST(AdminApp, ManagesPromotionsAndNews) {
  auto admin = signed_in_admin();
  // A6: the original's create body.
  const auto created = admin.send("POST", "/admin/promotions",
                                  R"({"title":"Giảm 30% chuyến đầu","description":"Nhập mã UITNEW",)"
                                  R"("code":"UITNEW","imageUrl":null,"gradientStart":"#FFA751",)"
                                  R"("gradientEnd":"#FFE259","expiresAt":"2031-01-31T23:59:59Z","priority":20})");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto p = body_of(created);
  for (const char* key : {"id", "title", "description", "code", "gradientStart", "gradientEnd"}) {
    EXPECT_TRUE(is_dart_string(p, key)) << key;
  }
  EXPECT_TRUE(is_dart_int(p, "priority"));
  EXPECT_EQ(p.at("priority").as_int64(), 20);
  EXPECT_TRUE(p.at("isActive").as_bool());
  EXPECT_EQ(str(p, "expiresAt"), "2031-01-31T23:59:59.000Z");
  const auto id = str(p, "id");
  const auto patched = admin.send("PATCH", "/admin/promotions/" + id, R"({"priority":5,"gradientEnd":"#000000"})");
  EXPECT_EQ(body_of(patched).at("priority").as_int64(), 5);
  // A7: DELETE deactivates; A5 still lists it, inactive.
  EXPECT_EQ(admin.send("DELETE", "/admin/promotions/" + id).status, 204);
  const auto all = admin.send("GET", "/admin/promotions");
  ASSERT_EQ(all.status, 200) << all.body;
  bool listed = false;
  for (const auto& item : array_of(all)) {
    if (str(item, "id") != id) continue;
    listed = true;
    EXPECT_FALSE(item.at("isActive").as_bool());
  }
  EXPECT_TRUE(listed);
  bool public_too = false;
  for (const auto& item : array_of(admin.send("GET", "/promotions"))) public_too |= str(item, "id") == id;
  EXPECT_FALSE(public_too);
  // News: scheduled items are listed for admins.
  const auto scheduled = admin.send("POST", "/admin/news",
                                    R"({"title":"Sắp ra mắt","body":"B","category":"fleet","icon":"two_wheeler",)"
                                    R"("publishedAt":"2035-01-01T00:00:00Z"})");
  ASSERT_EQ(scheduled.status, 201) << scheduled.body;
  bool in_admin_list = false;
  for (const auto& item : array_of(admin.send("GET", "/admin/news"))) {
    if (str(item, "id") == str(body_of(scheduled), "id")) {
      in_admin_list = true;
      EXPECT_EQ(str(item, "icon"), "two_wheeler");
    }
  }
  EXPECT_TRUE(in_admin_list);
  EXPECT_TRUE(admin.every_answer_has_plain_numbers());
}

// A driver with a profile, online and located at the UIT campus; its app.
AppClient free_driver() {
  AppClient app(env->gateway, "driver app");
  const auto r = app.send("POST", "/v1/drivers/register",
                          R"({"name":"Tài xế","email":")" + new_email("driver") +
                              R"(","phone":"0900000000","password":"secret123","licenseNumber":"L-1"})");
  EXPECT_EQ(r.status, 201) << r.body;
  app.persist(body_of(r));
  EXPECT_EQ(app.send("PATCH", "/v1/drivers/" + app.user_id + "/status", R"({"status":"online"})").status, 200);
  EXPECT_EQ(app.send("PUT", "/v1/drivers/me/location", R"({"lat":10.8705,"lng":106.8032})").status, 204);
  return app;
}

constexpr const char* kTrip =
    R"("originText":"Sảnh A","destText":"KTX","serviceId":"UIT-Go","originLat":10.8705,"originLng":106.8032)";

TEST(AdminApp, BooksTripsForRiders) {
  auto admin = signed_in_admin();
  AppClient rider(env->gateway, "rider app");
  const auto rider_id = sign_up(rider, new_email());
  // A dispatcher booking for an existing rider.
  const auto booked = admin.send("POST", "/v1/trips", std::string("{") + kTrip + R"(,"riderId":")" + rider_id + "\"}");
  ASSERT_EQ(booked.status, 201) << booked.body;
  EXPECT_EQ(str(body_of(booked), "riderId"), rider_id);
  const auto trip_id = str(body_of(booked), "id");
  EXPECT_EQ(rider.send("GET", "/v1/trips/" + trip_id).status, 200) << "the rider sees the trip booked for them";
  EXPECT_EQ(env->gateway.scalar("trip_db", "SELECT actor_role FROM trip_events WHERE trip_id = '" + trip_id + "'"),
            "admin");
  // Without riderId: the admin's own trip.
  const auto own = admin.send("POST", "/v1/trips", std::string("{") + kTrip + "}");
  ASSERT_EQ(own.status, 201);
  EXPECT_EQ(str(body_of(own), "riderId"), admin.user_id);
  // Not a rider, unknown, or a rider naming someone else.
  AppClient driver = free_driver();
  const auto not_rider =
      admin.send("POST", "/v1/trips", std::string("{") + kTrip + R"(,"riderId":")" + driver.user_id + "\"}");
  EXPECT_EQ(not_rider.status, 400);
  EXPECT_EQ(str(body_of(not_rider), "field"), "riderId");
  const auto unknown =
      admin.send("POST", "/v1/trips", std::string("{") + kTrip + R"(,"riderId":")" + new_uuid() + "\"}");
  EXPECT_EQ(str(body_of(unknown), "field"), "riderId");
  const auto impersonation =
      rider.send("POST", "/v1/trips", std::string("{") + kTrip + R"(,"riderId":")" + admin.user_id + "\"}");
  EXPECT_EQ(impersonation.status, 403);
  EXPECT_EQ(str(body_of(impersonation), "error"), "only an admin may book a trip for another rider");
  EXPECT_EQ(driver.send("POST", "/v1/trips", std::string("{") + kTrip + "}").status, 403);
  EXPECT_EQ(driver.send("PATCH", "/v1/drivers/" + driver.user_id + "/status", R"({"status":"offline"})").status, 200);
}

TEST(AdminApp, AssignsADriverByHand) {
  auto admin = signed_in_admin();
  AppClient rider(env->gateway, "rider app");
  sign_up(rider, new_email());
  const auto trip_id = str(body_of(rider.send("POST", "/v1/trips", std::string("{") + kTrip + "}")), "id");
  auto first = free_driver();
  auto second = free_driver();
  const auto assign = [&](const std::string& driver_id) {
    return admin.send("POST", "/v1/trips/" + trip_id + "/assign", R"({"driverId":")" + driver_id + "\"}");
  };
  // A8.
  const auto made = assign(first.user_id);
  ASSERT_EQ(made.status, 200) << made.body;
  EXPECT_EQ(str(body_of(made), "driverId"), first.user_id);
  EXPECT_EQ(str(body_of(made), "status"), "requested") << "an offer: the driver still accepts";
  EXPECT_EQ(assign(first.user_id).status, 200) << "the same driver again";
  const auto pending = assign(second.user_id);
  EXPECT_EQ(pending.status, 409);
  EXPECT_EQ(str(body_of(pending), "code"), "offer_pending");
  // The driver app sees the offer and declines it: never this driver again.
  const auto listed = body_of(first.send("GET", "/v1/trips?role=driver&limit=20&offset=0"));
  ASSERT_FALSE(listed.at("items").as_array().empty());
  EXPECT_EQ(str(listed.at("items").as_array()[0], "id"), trip_id);
  ASSERT_EQ(first.send("POST", "/v1/trips/" + trip_id + "/decline").status, 200);
  const auto excluded = assign(first.user_id);
  EXPECT_EQ(excluded.status, 409);
  EXPECT_EQ(str(body_of(excluded), "code"), "driver_excluded");
  // The first driver was released by the decline; a driver offline is not free.
  ASSERT_EQ(second.send("PATCH", "/v1/drivers/" + second.user_id + "/status", R"({"status":"offline"})").status, 200);
  const auto offline = assign(second.user_id);
  EXPECT_EQ(offline.status, 409);
  EXPECT_EQ(str(body_of(offline), "code"), "driver_not_free");
  EXPECT_EQ(assign(new_uuid()).status, 404);
  EXPECT_EQ(rider.send("POST", "/v1/trips/" + trip_id + "/assign", R"({"driverId":")" + second.user_id + "\"}").status,
            403);
  // Once accepted, a trip needs no dispatch.
  ASSERT_EQ(second.send("PATCH", "/v1/drivers/" + second.user_id + "/status", R"({"status":"online"})").status, 200);
  ASSERT_EQ(second.send("PUT", "/v1/drivers/me/location", R"({"lat":10.8705,"lng":106.8032})").status, 204);
  ASSERT_EQ(assign(second.user_id).status, 200);
  ASSERT_EQ(second.send("POST", "/v1/trips/" + trip_id + "/accept").status, 200);
  const auto closed = assign(first.user_id);
  EXPECT_EQ(closed.status, 409);
  EXPECT_EQ(str(body_of(closed), "code"), "trip_closed");
  // The admin app sees every trip.
  const auto all = body_of(admin.send("GET", "/v1/trips?limit=100&offset=0"));
  EXPECT_GE(all.at("total").as_int64(), 1);
  for (auto* app : {&first, &second}) {
    app->send("PATCH", "/v1/drivers/" + app->user_id + "/status", R"({"status":"offline"})");
  }
}

}  // namespace
}  // namespace uitgo::test::apps
