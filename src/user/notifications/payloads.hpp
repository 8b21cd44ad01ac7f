// Notifications: the model, its wire format and the wording of trip events
// (pure, unit-tested).
//
//   GET   /notifications?unreadOnly&limit&offset → {items, total, limit, offset}
//         item {id, title, body, type, tripId?, createdAt, readAt?} (what the
//         rider app's AppNotification reads; tripId and readAt are left out
//         when null, as the original did)
//   PATCH /notifications/{id}/read → 204
//   POST  /v1/notifications/register {platform: android|ios|web, token} → 204
//
// Types: system, promotion (welcome and demo notifications), and trip.<kind>
// for trip events (peers/notification_contract.hpp lists the kinds).
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/json_body.hpp"
#include "peers/notification_contract.hpp"

namespace uitgo::user::notifications {

struct Notification {
  std::string id;
  std::string type;
  std::string title;
  std::string body;
  std::optional<std::string> trip_id;
  std::string created_at;  // RFC 3339 UTC
  std::optional<std::string> read_at;
};

boost::json::object to_json(const Notification& n);

inline constexpr int kDefaultLimit = 20;
inline constexpr int kMaxLimit = 100;
inline constexpr std::int64_t kMaxOffset = 1000;

struct ListQuery {
  bool unread_only = false;
  int limit = kDefaultLimit;
  std::int64_t offset = 0;
};
// ?unreadOnly: true/false (any case; absent = false; anything else → 400);
// ?limit: default 20, above 100 → 100, < 1 → 400; ?offset: default 0, < 0 →
// 400, above 1,000 → 1,000; not an integer → 400 naming the parameter.
ListQuery parse_list_query(std::optional<std::string_view> unread_only, std::optional<std::string_view> limit,
                           std::optional<std::string_view> offset);

inline constexpr std::size_t kTokenMax = 4096;

struct DeviceRegistration {
  std::string platform;  // android | ios | web (trimmed, lower-cased)
  std::string token;     // trimmed
  static DeviceRegistration from_json(const json::Fields& f);
};
DeviceRegistration parse_device_registration(std::string_view body);

// What a user is told, in the apps' language (Vietnamese), and the push's data.
struct Draft {
  std::string type;
  std::string title;
  std::string body;
  std::optional<std::string> trip_id;
  // Push data, as the original sent it: {event: trip.status, status, tripId}
  // to riders, {event: trip.assigned, tripId, tripStatus} to drivers.
  std::vector<std::pair<std::string, std::string>> data;
  std::string android_channel;  // trip_updates (rider app) | driver_assignments (driver app)
};

Draft trip_draft(const peers::TripNotice& notice);

// What a new rider finds in the inbox, as the original wrote it at
// registration: a welcome (system) and a pointer to the promotions (promotion).
std::vector<Draft> welcome_drafts(std::string_view name);

// The wait before the next attempt of a push that failed `attempts` times:
// base × 2^(attempts-1), at most max.
std::chrono::milliseconds push_retry_delay(int attempts, std::chrono::milliseconds base, std::chrono::milliseconds max);

}  // namespace uitgo::user::notifications
