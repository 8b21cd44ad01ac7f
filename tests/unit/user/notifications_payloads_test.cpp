// Notifications' wire format and rules: the inbox query, device registration,
// the JSON the rider app parses, the wording of trip events, the push retry
// delay; and the top-up limit's window.
#include "user/notifications/payloads.hpp"

#include <gtest/gtest.h>

#include "core/base/errors.hpp"
#include "user/wallet/topup_window.hpp"

namespace uitgo::user::notifications {
namespace {

std::optional<std::string> field_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const DomainError& e) {
    return e.field();
  }
  return std::nullopt;
}

TEST(ListQuery, DefaultsClampsAndRefusals) {
  const auto d = parse_list_query(std::nullopt, std::nullopt, std::nullopt);
  EXPECT_FALSE(d.unread_only);
  EXPECT_EQ(d.limit, 20);
  EXPECT_EQ(d.offset, 0);
  const auto q = parse_list_query("True", "500", "5000");
  EXPECT_TRUE(q.unread_only);
  EXPECT_EQ(q.limit, 100);
  EXPECT_EQ(q.offset, 1000);
  EXPECT_FALSE(parse_list_query("false", "5", "3").unread_only);
  EXPECT_EQ(field_of([] { parse_list_query("yes", std::nullopt, std::nullopt); }), "unreadOnly");
  EXPECT_EQ(field_of([] { parse_list_query(std::nullopt, "0", std::nullopt); }), "limit");
  EXPECT_EQ(field_of([] { parse_list_query(std::nullopt, "ten", std::nullopt); }), "limit");
  EXPECT_EQ(field_of([] { parse_list_query(std::nullopt, std::nullopt, "-1"); }), "offset");
}

TEST(DeviceRegistration, PlatformAndToken) {
  const auto r = parse_device_registration(R"({"platform":" Android ","token":"  abc:def  "})");
  EXPECT_EQ(r.platform, "android");
  EXPECT_EQ(r.token, "abc:def");
  EXPECT_EQ(parse_device_registration(R"({"platform":"web","token":"t"})").platform, "web");
  EXPECT_EQ(field_of([] { parse_device_registration(R"({"platform":"blackberry","token":"t"})"); }), "platform");
  EXPECT_EQ(field_of([] { parse_device_registration(R"({"platform":"ios"})"); }), "token");
  EXPECT_EQ(field_of([] { parse_device_registration(R"({"platform":"ios","token":"   "})"); }), "token");
  EXPECT_EQ(field_of([] { parse_device_registration(R"({"platform":"ios","token":"a\u0000b"})"); }), "token");
  EXPECT_EQ(field_of([] { parse_device_registration(R"({"platform":7,"token":"t"})"); }), "platform");
  EXPECT_THROW(parse_device_registration("[]"), DomainError);
}

TEST(NotificationJson, LeavesOutNullTripAndReadAt) {
  Notification n{.id = "n1", .type = "system", .title = "T", .body = "B", .created_at = "2026-12-04T10:00:00.000Z"};
  auto o = to_json(n);
  EXPECT_EQ(o.at("id").as_string(), "n1");
  EXPECT_EQ(o.at("type").as_string(), "system");
  EXPECT_EQ(o.at("createdAt").as_string(), "2026-12-04T10:00:00.000Z");
  EXPECT_FALSE(o.contains("tripId"));
  EXPECT_FALSE(o.contains("readAt"));
  n.trip_id = "t1";
  n.read_at = "2026-12-04T10:05:00.000Z";
  o = to_json(n);
  EXPECT_EQ(o.at("tripId").as_string(), "t1");
  EXPECT_EQ(o.at("readAt").as_string(), "2026-12-04T10:05:00.000Z");
}

peers::TripNotice notice(std::string kind, std::string recipient = "rider") {
  return {.event_id = "e",
          .user_id = "u",
          .recipient = std::move(recipient),
          .kind = std::move(kind),
          .trip_id = "t1",
          .status = "accepted",
          .origin_text = "Bến Thành",
          .dest_text = "Sân bay"};
}

std::string data(const Draft& d, const std::string& key) {
  for (const auto& [k, v] : d.data) {
    if (k == key) return v;
  }
  return "";
}

TEST(TripDraft, WordingTypeAndPushData) {
  const auto offered = trip_draft(notice("offered", "driver"));
  EXPECT_EQ(offered.type, "trip.offered");
  EXPECT_EQ(offered.body, "Bến Thành → Sân bay");
  EXPECT_EQ(data(offered, "event"), "trip.assigned");
  EXPECT_EQ(data(offered, "tripStatus"), "accepted");
  EXPECT_EQ(offered.android_channel, "driver_assignments");

  const auto accepted = trip_draft(notice("accepted"));
  EXPECT_EQ(accepted.type, "trip.accepted");
  EXPECT_EQ(accepted.trip_id, "t1");
  EXPECT_NE(accepted.body.find("Bến Thành"), std::string::npos);
  EXPECT_EQ(data(accepted, "event"), "trip.status");
  EXPECT_EQ(data(accepted, "tripId"), "t1");
  EXPECT_EQ(accepted.android_channel, "trip_updates");

  for (const auto* kind : {"arriving", "completed", "cancelled", "no_driver"}) {
    const auto d = trip_draft(notice(kind));
    EXPECT_EQ(d.type, std::string("trip.") + kind);
    EXPECT_FALSE(d.title.empty()) << kind;
    EXPECT_FALSE(d.body.empty()) << kind;
  }
  EXPECT_EQ(trip_draft(notice("cancelled", "driver")).android_channel, "driver_assignments");
  auto bare = notice("offered", "driver");
  bare.origin_text.clear();
  bare.dest_text.clear();
  EXPECT_EQ(trip_draft(bare).body, "Bạn có một yêu cầu chuyến đi mới.");
}

TEST(WelcomeDrafts, AWelcomeAndAPromotion) {
  const auto drafts = welcome_drafts("  Nguyễn Văn A ");
  ASSERT_EQ(drafts.size(), 2u);
  EXPECT_EQ(drafts[0].type, "system");
  EXPECT_NE(drafts[0].body.find("Xin chào Nguyễn Văn A,"), std::string::npos) << drafts[0].body;
  EXPECT_EQ(drafts[1].type, "promotion");
  EXPECT_FALSE(drafts[1].trip_id.has_value());
  EXPECT_NE(welcome_drafts("").at(0).body.find("UIT-Go Rider"), std::string::npos);
}

TEST(PushRetry, DoublesUpToTheCap) {
  using std::chrono::milliseconds;
  EXPECT_EQ(push_retry_delay(1, milliseconds(1000), milliseconds(60000)).count(), 1000);
  EXPECT_EQ(push_retry_delay(3, milliseconds(1000), milliseconds(60000)).count(), 4000);
  EXPECT_EQ(push_retry_delay(40, milliseconds(1000), milliseconds(60000)).count(), 60000);
  EXPECT_EQ(push_retry_delay(0, milliseconds(1000), milliseconds(60000)).count(), 1000);
}

TEST(TopupWindow, OneCounterPerUserAndClockMinute) {
  const auto w = wallet::topup_window("u1", 1'800'000'010);  // 10 s into a minute
  EXPECT_EQ(w.key, "wallet:topup:u1:30000000");
  EXPECT_EQ(w.retry_after, 50);
  EXPECT_GT(w.ttl_seconds, 60);
  EXPECT_EQ(wallet::topup_window("u1", 1'800'000'059).key, w.key);
  EXPECT_EQ(wallet::topup_window("u1", 1'800'000'059).retry_after, 1);
  EXPECT_NE(wallet::topup_window("u1", 1'800'000'060).key, w.key);
  EXPECT_NE(wallet::topup_window("u2", 1'800'000'010).key, w.key);
  EXPECT_FALSE(wallet::over_topup_limit(3, 3));
  EXPECT_TRUE(wallet::over_topup_limit(4, 3));
  EXPECT_FALSE(wallet::over_topup_limit(1'000, 0)) << "0 = no limit";
}

}  // namespace
}  // namespace uitgo::user::notifications
