// The notification use cases and their SQL (user_db: notifications,
// device_tokens, push_outbox; migration 008): the inbox, device tokens, trip
// events from trip-service, and the push task.
//
// A trip event is stored, with one push_outbox row per device token of its
// recipient, in one statement keyed by the event id, so a redelivery inserts
// nothing. The task "push-outbox" (woken after a write, else every
// PUSH_POLL_MS) claims due pushes (FOR UPDATE SKIP LOCKED, with a lease, so
// several instances share the work) and hands them to the PushSender one at a
// time: sent → removed; token gone → the token and its pushes are removed;
// rejected → removed; retry later → due again after a back-off, dropped after
// PUSH_MAX_ATTEMPTS. Every statement on the inbox is scoped to its owner:
// someone else's notification is not found (404). HTTP-free.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/base/config.hpp"
#include "core/base/metrics.hpp"
#include "core/pg/pool.hpp"
#include "core/service/runtime.hpp"
#include "peers/notification_contract.hpp"
#include "user/notifications/payloads.hpp"
#include "user/notifications/push.hpp"

namespace uitgo::user::notifications {

struct PushSettings {
  Millis poll{2000};
  int max_attempts = 8;
  Millis retry_base{1000};
  Millis retry_max{300000};
  static PushSettings from(const config::Values& config);
};

struct NotificationPage {
  std::vector<Notification> items;
  std::int64_t total = 0;
};

// Devices a user keeps at most; registering one more forgets the least recently registered.
inline constexpr int kDevicesPerUser = 10;

class Notifications {
 public:
  Notifications(service::Runtime& runtime, pg::Pool& db, std::unique_ptr<PushSender> sender, PushSettings settings);

  // Newest first.
  awaitable<NotificationPage> list(const std::string& user_id, const ListQuery& query);
  // 404 when there is no such notification of this user; marking twice keeps the first readAt.
  awaitable<void> mark_read(const std::string& user_id, const std::string& id);
  // One row per token: a token registered by another user moves to this one.
  awaitable<void> register_device(const std::string& user_id, const DeviceRegistration& device);
  // The welcome notifications of a new rider (once per user; no push: no device yet).
  awaitable<void> welcome(const std::string& user_id, const std::string& name);
  // Stores the event's notification and queues its pushes, once per event id.
  awaitable<peers::NoticeResult> record_trip_event(const peers::TripNotice& notice);
  // Several in one statement (one commit); results in order.
  awaitable<std::vector<peers::NoticeResult>> record_trip_events(const std::vector<peers::TripNotice>& notices);

  // One pass of the push task: sends what is due; returns how many were handled.
  awaitable<std::size_t> push_pass();

 private:
  // Counts a stored notice and wakes the push task when it queued pushes.
  void stored(const peers::TripNotice& notice, bool inserted, std::int64_t pushes);
  awaitable<void> settle_push(std::int64_t id, const std::string& token, int attempts, const PushOutcome& outcome);

  pg::Pool& db_;
  metrics::Registry& metrics_;
  std::unique_ptr<PushSender> sender_;
  PushSettings settings_;
  service::PeriodicTask* task_ = nullptr;
};

}  // namespace uitgo::user::notifications
