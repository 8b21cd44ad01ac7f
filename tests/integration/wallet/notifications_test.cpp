// Notifications through the gateway as the apps call them: the inbox
// (R16, R17), device tokens (R18, D17), trip events delivered once per event
// id, a trip's status changes reaching the rider's and the driver's inboxes
// through trip-service's outbox, pushes sent by the push task (log sender),
// and the per-user top-up limit.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "support/shared_environment.hpp"
#include "wallet/wallet_support.hpp"

namespace uitgo::test::wallet {
namespace {

using namespace std::chrono_literals;

struct NotifyStack : Stack {
  NotifyStack()
      : Stack(Env{{"OUTBOX_POLL_MS", "200"}, {"PUSH_POLL_MS", "200"}, {"TOPUP_RATE_LIMIT_PER_MINUTE", "3"}}),
        trip_service(stack, stack.trip_port) {}
  Api trip_service;
};

NotifyStack* h = nullptr;
const auto* const environment = share_per_binary(h, [] { return std::make_unique<NotifyStack>(); });

json::object event(const User& to, const std::string& kind, const std::string& trip,
                   const std::string& role = "rider") {
  return {{"eventId", "trip." + kind + ":" + trip + ":" + to.id},
          {"userId", to.id},
          {"recipient", role},
          {"kind", kind},
          {"tripId", trip},
          {"status", kind == "offered" ? "requested" : kind},
          {"originText", "Bến Thành"},
          {"destText", "Sân bay Tân Sơn Nhất"}};
}

HttpResponse deliver(const json::object& body) {
  return h->user_service.internal("POST", "/internal/notifications/trip-events", body);
}

json::object inbox(const User& user, const std::string& query = "") {
  const auto r = h->gateway.call("GET", "/notifications" + query, user);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? body_of(r) : json::object{};
}

std::vector<std::string> types_of(const json::object& page) {
  std::vector<std::string> out;
  if (const auto* items = page.if_contains("items"); items != nullptr && items->is_array()) {
    for (const auto& item : items->as_array()) out.push_back(str(item, "type"));
  }
  return out;
}

bool has_type(const User& user, const std::string& type) {
  const auto types = types_of(inbox(user, "?unreadOnly=false&limit=100"));
  return std::find(types.begin(), types.end(), type) != types.end();
}

// The relay's batch: each notice stored once, results in order; a repeat is
// not applied again; a malformed item refuses the whole batch, naming it.
TEST(Notifications, ABatchOfTripEventsIsStoredOncePerEvent) {
  const auto rider = h->gateway.user("rider");
  const auto driver = h->gateway.user("driver");
  const auto trip = new_uuid();
  const json::array notices{event(driver, "offered", trip, "driver"), event(rider, "accepted", trip)};
  const std::string path = "/internal/notifications/trip-events/batch";
  auto r = h->user_service.internal("POST", path, json::object{{"notices", notices}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto results = body_of(r).at("results").as_array();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(str(results[0], "eventId"), str(notices[0], "eventId"));
  EXPECT_TRUE(results[0].at("applied").as_bool());
  EXPECT_TRUE(results[1].at("applied").as_bool());
  EXPECT_TRUE(has_type(driver, "trip.offered"));
  EXPECT_TRUE(has_type(rider, "trip.accepted"));

  r = h->user_service.internal("POST", path, json::object{{"notices", notices}});
  ASSERT_EQ(r.status, 200) << r.body;
  results = body_of(r).at("results").as_array();
  EXPECT_FALSE(results[0].at("applied").as_bool());
  EXPECT_FALSE(results[1].at("applied").as_bool());

  auto bad = event(rider, "completed", trip);
  bad["kind"] = "teleported";
  r = h->user_service.internal("POST", path,
                               json::object{{"notices", json::array{event(rider, "arriving", trip), bad}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_FALSE(has_type(rider, "trip.arriving")) << "nothing of a refused batch is stored";
  EXPECT_EQ(h->user_service.internal("POST", path, json::object{{"notices", json::array{}}}).status, 400);
}

// Texts with the characters an array parameter quotes reach the inbox as
// sent; the same event twice in one batch is stored once.
TEST(Notifications, ABatchKeepsQuotedTextsAndStoresARepeatOnce) {
  const auto rider = h->gateway.user("rider");
  auto notice = event(rider, "accepted", new_uuid());
  const std::string place = R"(Nhà "A", {tầng 2} \ NULL)";
  notice["originText"] = place;
  notice["destText"] = place;
  const std::string path = "/internal/notifications/trip-events/batch";
  const auto r = h->user_service.internal("POST", path, json::object{{"notices", json::array{notice, notice}}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto results = body_of(r).at("results").as_array();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[0].at("applied").as_bool());
  EXPECT_FALSE(results[1].at("applied").as_bool());
  const auto page = inbox(rider, "?unreadOnly=false&limit=100");
  ASSERT_EQ(num(page, "total"), 1);
  const auto body = str(page.at("items").as_array().at(0), "body");
  EXPECT_NE(body.find(place), std::string::npos) << body;
}

TEST(Notifications, AnEmptyInboxInTheAppsShape) {
  const auto rider = h->gateway.user("rider");
  const auto page = inbox(rider, "?unreadOnly=true&limit=20&offset=0");
  ASSERT_TRUE(page.at("items").is_array());
  EXPECT_TRUE(page.at("items").as_array().empty());
  EXPECT_TRUE(page.at("total").is_int64());
  EXPECT_EQ(num(page, "total"), 0);
  EXPECT_EQ(num(page, "limit"), 20);
  EXPECT_EQ(num(page, "offset"), 0);
  EXPECT_EQ(h->gateway.call("GET", "/notifications").status, 401);
}

TEST(Notifications, ListFilterAndMarkRead) {
  const auto rider = h->gateway.user("rider");
  const auto trip = new_uuid();
  ASSERT_EQ(deliver(event(rider, "accepted", trip)).status, 200);
  ASSERT_EQ(deliver(event(rider, "arriving", trip)).status, 200);
  ASSERT_EQ(deliver(event(rider, "completed", trip)).status, 200);

  const auto all = inbox(rider, "?unreadOnly=true&limit=20&offset=0");
  ASSERT_EQ(num(all, "total"), 3);
  const auto& items = all.at("items").as_array();
  ASSERT_EQ(items.size(), 3u);
  const auto& newest = items[0].as_object();
  EXPECT_EQ(str(newest, "type"), "trip.completed");
  EXPECT_EQ(str(newest, "tripId"), trip);
  EXPECT_FALSE(str(newest, "title").empty());
  EXPECT_NE(str(newest, "body").find("Sân bay Tân Sơn Nhất"), std::string::npos) << str(newest, "body");
  EXPECT_FALSE(str(newest, "createdAt").empty());
  EXPECT_FALSE(newest.contains("readAt")) << "unread: no readAt";

  const auto id = str(newest, "id");
  const auto read = h->gateway.call("PATCH", "/notifications/" + id + "/read", rider);
  EXPECT_EQ(read.status, 204) << read.body;
  EXPECT_TRUE(read.body.empty());
  EXPECT_EQ(h->gateway.call("PATCH", "/notifications/" + id + "/read", rider).status, 204) << "marking twice is fine";

  const auto unread = inbox(rider, "?unreadOnly=TRUE");
  EXPECT_EQ(num(unread, "total"), 2);
  const auto everything = inbox(rider, "?unreadOnly=false");
  EXPECT_EQ(num(everything, "total"), 3);
  EXPECT_FALSE(str(everything.at("items").as_array()[0], "readAt").empty());

  const auto paged = inbox(rider, "?unreadOnly=false&limit=1&offset=1");
  EXPECT_EQ(num(paged, "total"), 3);
  EXPECT_EQ(num(paged, "limit"), 1);
  EXPECT_EQ(num(paged, "offset"), 1);
  ASSERT_EQ(paged.at("items").as_array().size(), 1u);
  EXPECT_EQ(str(paged.at("items").as_array()[0], "type"), "trip.arriving");
  const auto past = inbox(rider, "?unreadOnly=false&offset=50");
  EXPECT_EQ(num(past, "total"), 3);
  EXPECT_TRUE(past.at("items").as_array().empty());
}

TEST(Notifications, OnlyOnesOwn) {
  const auto owner = h->gateway.user("rider");
  const auto other = h->gateway.user("rider");
  ASSERT_EQ(deliver(event(owner, "accepted", new_uuid())).status, 200);
  const auto id = str(inbox(owner).at("items").as_array()[0], "id");

  const auto stolen = h->gateway.call("PATCH", "/notifications/" + id + "/read", other);
  EXPECT_EQ(stolen.status, 404) << stolen.body;
  EXPECT_EQ(str(body_of(stolen), "code"), "not_found");
  EXPECT_EQ(h->gateway.call("PATCH", "/notifications/" + new_uuid() + "/read", other).status, 404);
  EXPECT_EQ(h->gateway.call("PATCH", "/notifications/not-a-uuid/read", other).status, 404);
  EXPECT_EQ(num(inbox(other, "?unreadOnly=false"), "total"), 0);
  EXPECT_EQ(num(inbox(owner, "?unreadOnly=true"), "total"), 1) << "still unread";
  EXPECT_EQ(h->gateway.call("PATCH", "/notifications/" + id + "/read").status, 401);
}

TEST(Notifications, QueryValidationNamesTheParameter) {
  const auto rider = h->gateway.user("rider");
  for (const auto& [query, field] :
       std::vector<std::pair<std::string, std::string>>{{"?limit=abc", "limit"},
                                                        {"?limit=0", "limit"},
                                                        {"?offset=-1", "offset"},
                                                        {"?unreadOnly=maybe", "unreadOnly"}}) {
    const auto r = h->gateway.call("GET", "/notifications" + query, rider);
    EXPECT_EQ(r.status, 400) << query << " " << r.body;
    EXPECT_EQ(str(body_of(r), "field"), field) << query;
  }
  const auto clamped = inbox(rider, "?limit=1000&offset=99999");
  EXPECT_EQ(num(clamped, "limit"), 100);
  EXPECT_EQ(num(clamped, "offset"), 1000);
}

TEST(DeviceTokens, RegisterValidateAndMove) {
  const auto rider = h->gateway.user("rider");
  const auto driver = h->gateway.user("driver");
  const std::string token = "fcm-" + new_uuid();
  const json::object body{{"platform", "android"}, {"token", token}};
  const auto r = h->gateway.call("POST", "/v1/notifications/register", rider, body);
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(h->gateway.call("POST", "/v1/notifications/register", rider, body).status, 204) << "again: same row";
  EXPECT_EQ(h->count("user_db", "SELECT count(*) FROM device_tokens WHERE token = '" + token + "'"), 1);

  const json::object ios{{"platform", "iOS"}, {"token", token}};
  EXPECT_EQ(h->gateway.call("POST", "/v1/notifications/register", driver, ios).status, 204);
  EXPECT_EQ(h->gateway.scalar("user_db",
                              "SELECT user_id || ' ' || platform FROM device_tokens WHERE token = '" + token + "'"),
            driver.id + " ios")
      << "registered by another user: the token moved";

  const auto bad_platform = h->gateway.call("POST", "/v1/notifications/register", rider,
                                            json::object{{"platform", "symbian"}, {"token", "t"}});
  EXPECT_EQ(bad_platform.status, 400) << bad_platform.body;
  EXPECT_EQ(str(body_of(bad_platform), "field"), "platform");
  const auto no_token = h->gateway.call("POST", "/v1/notifications/register", rider, json::object{{"platform", "ios"}});
  EXPECT_EQ(no_token.status, 400);
  EXPECT_EQ(str(body_of(no_token), "field"), "token");
  const auto blank =
      h->gateway.call("POST", "/v1/notifications/register", rider, json::object{{"platform", "ios"}, {"token", "   "}});
  EXPECT_EQ(blank.status, 400);
  EXPECT_EQ(h->gateway.call("POST", "/v1/notifications/register", rider, "{not json").status, 400);
  EXPECT_EQ(h->gateway.call("POST", "/v1/notifications/register", nullptr, body).status, 401);
}

TEST(TripEvents, DeliveredTwiceStoredOnce) {
  const auto rider = h->gateway.user("rider");
  const auto trip = new_uuid();
  const auto body = event(rider, "no_driver", trip);
  const auto first = deliver(body);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_TRUE(body_of(first).at("applied").as_bool());
  const auto again = deliver(body);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_FALSE(body_of(again).at("applied").as_bool());
  EXPECT_EQ(h->count("user_db", "SELECT count(*) FROM notifications WHERE trip_id = '" + trip + "'"), 1);
  EXPECT_GE(metric(h->stack.user_port, "notifications_delivered_total", {"kind=\"no_driver\""}), 1);

  auto bad = body;
  bad["kind"] = "exploded";
  const auto refused = deliver(bad);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(str(body_of(refused), "field"), "kind");
  EXPECT_EQ(h->gateway.call("POST", "/internal/notifications/trip-events", rider, body).status, 404)
      << "never through the gateway";
}

TEST(Push, SentToEveryDeviceOfTheRecipient) {
  const auto driver = h->gateway.user("driver");
  for (const auto* platform : {"android", "ios"}) {
    const json::object body{{"platform", platform}, {"token", std::string(platform) + "-" + new_uuid()}};
    ASSERT_EQ(h->gateway.call("POST", "/v1/notifications/register", driver, body).status, 204);
  }
  const auto before = metric(h->stack.user_port, "push_sent_total", {"sender=\"log\""});
  const auto trip = new_uuid();
  ASSERT_EQ(deliver(event(driver, "offered", trip, "driver")).status, 200);
  ASSERT_TRUE(eventually([&] {
    return h->count("user_db",
                    "SELECT count(*) FROM push_outbox p JOIN notifications n ON n.id = p.notification_id"
                    " WHERE n.trip_id = '" +
                        trip + "'") == 0;
  }));
  EXPECT_GE(metric(h->stack.user_port, "push_sent_total", {"sender=\"log\""}), before + 2);
  EXPECT_EQ(str(inbox(driver).at("items").as_array()[0], "type"), "trip.offered");
}

json::object trip_body() {
  return {{"originText", "Bến Thành"}, {"destText", "Sân bay"}, {"serviceId", "car"}, {"originLat", 10.7725},
          {"originLng", 106.698},      {"destLat", 10.8185},    {"destLng", 106.6588}};
}

HttpResponse set_status(const User& who, const std::string& trip, const std::string& status) {
  return h->gateway.call("POST", "/v1/trips/" + trip + "/status", who, json::object{{"status", status}});
}

TEST(TripEvents, ACompletedTripNotifiesTheRiderAndTheOfferedDriver) {
  const auto rider = h->gateway.user("rider");
  const auto driver = h->gateway.user("driver");
  const auto created = h->gateway.call("POST", "/v1/trips", rider, trip_body());
  ASSERT_EQ(created.status, 201) << created.body;
  const auto trip = str(body_of(created), "id");
  const auto offered =
      h->trip_service.internal("POST", "/internal/trips/" + trip + "/offer", json::object{{"driverId", driver.id}});
  ASSERT_EQ(offered.status, 200) << offered.body;
  ASSERT_TRUE(eventually([&] { return has_type(driver, "trip.offered"); }, 15s)) << "the driver hears of the offer";
  ASSERT_EQ(h->gateway.call("POST", "/v1/trips/" + trip + "/accept", driver).status, 200);
  ASSERT_EQ(set_status(driver, trip, "arriving").status, 200);
  ASSERT_EQ(set_status(driver, trip, "in_ride").status, 200);
  ASSERT_EQ(set_status(driver, trip, "completed").status, 200);
  ASSERT_TRUE(eventually([&] { return has_type(rider, "trip.completed"); }, 15s));
  const auto types = types_of(inbox(rider, "?unreadOnly=false"));
  EXPECT_EQ(types, (std::vector<std::string>{"trip.completed", "trip.arriving", "trip.accepted"}));
  const auto completed = inbox(rider).at("items").as_array()[0].as_object();
  EXPECT_EQ(str(completed, "tripId"), trip);
  EXPECT_EQ(types_of(inbox(driver, "?unreadOnly=false")), std::vector<std::string>{"trip.offered"});
  EXPECT_EQ(h->count("trip_db",
                     "SELECT count(*) FROM outbox WHERE kind = 'trip_notification'"
                     " AND payload->>'tripId' = '" +
                         trip + "'"),
            4);
}

TEST(TripEvents, ACancelledTripTellsTheOtherSide) {
  const auto rider = h->gateway.user("rider");
  const auto driver = h->gateway.user("driver");
  const auto created = h->gateway.call("POST", "/v1/trips", rider, trip_body());
  ASSERT_EQ(created.status, 201) << created.body;
  const auto trip = str(body_of(created), "id");
  ASSERT_EQ(
      h->trip_service.internal("POST", "/internal/trips/" + trip + "/offer", json::object{{"driverId", driver.id}})
          .status,
      200);
  ASSERT_EQ(h->gateway.call("POST", "/v1/trips/" + trip + "/accept", driver).status, 200);
  ASSERT_EQ(set_status(rider, trip, "cancelled").status, 200);
  ASSERT_TRUE(eventually([&] { return has_type(driver, "trip.cancelled"); }, 15s));
  EXPECT_FALSE(has_type(rider, "trip.cancelled")) << "the rider cancelled it: nothing to tell them";
}

TEST(TopupLimit, OverTheLimitIs429WithRetryAfter) {
  // Three per clock minute here: stay clear of a minute's end.
  while (std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() %
             60 >
         50) {
    std::this_thread::sleep_for(1s);
  }
  const auto rider = h->gateway.user("rider");
  for (int i = 0; i < 3; ++i) {
    const auto r = h->gateway.call("POST", "/v1/wallet/topup", rider, json::object{{"amount", 10'000}});
    ASSERT_EQ(r.status, 201) << r.body;
  }
  const auto refused = h->gateway.call("POST", "/v1/wallet/topup", rider, json::object{{"amount", 10'000}});
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(str(body_of(refused), "code"), "rate_limited");
  const auto retry_after = std::atoi(refused.header("retry-after").c_str());
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 60);
  const auto other = h->gateway.user("rider");
  EXPECT_EQ(h->gateway.call("POST", "/v1/wallet/topup", other, json::object{{"amount", 10'000}}).status, 201)
      << "the limit is per user";
  const auto wallet = body_of(h->gateway.call("GET", "/v1/wallet", rider));
  EXPECT_EQ(num(wallet, "balance"), 30'000) << "the refused top-up moved nothing";
}

// `uitgo seed`, twice: the demo rider and driver have a balance, a few
// notifications and (the rider) saved places, once.
TEST(DemoSeed, BalanceNotificationsAndPlacesOnce) {
  h->stack.seed();
  h->stack.seed();
  const auto login = [](const std::string& email, const std::string& password) {
    const auto r =
        h->gateway.call("POST", "/auth/login", nullptr, json::object{{"email", email}, {"password", password}});
    EXPECT_EQ(r.status, 200) << r.body;
    return str(body_of(r), "accessToken");
  };
  const auto rider = login("rider@uitgo.dev", "rider-demo-2026");
  const auto driver = login("driver@uitgo.dev", "driver-demo-2026");
  EXPECT_EQ(num(body_of(h->gateway.call("GET", "/v1/wallet", rider)), "balance"), 500'000);
  EXPECT_EQ(num(body_of(h->gateway.call("GET", "/v1/wallet", driver)), "balance"), 200'000);
  const auto rider_inbox = body_of(h->gateway.call("GET", "/notifications?unreadOnly=false", rider));
  EXPECT_EQ(num(rider_inbox, "total"), 3);
  EXPECT_EQ(num(body_of(h->gateway.call("GET", "/notifications?unreadOnly=true", rider)), "total"), 2);
  EXPECT_EQ(num(body_of(h->gateway.call("GET", "/notifications?unreadOnly=false", driver)), "total"), 2);
  EXPECT_EQ(array_of(h->gateway.call("GET", "/saved_places", rider)).size(), 2u);
  EXPECT_TRUE(array_of(h->gateway.call("GET", "/saved_places", driver)).empty());
}

}  // namespace
}  // namespace uitgo::test::wallet
