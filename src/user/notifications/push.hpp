// Push notifications to devices behind one interface, chosen by PUSH_SENDER:
// `log` (the default; writes each push to the log, sends nothing) or `fcm`
// (Firebase Cloud Messaging HTTP v1, fcm.hpp). The sender says what became of
// each push, and the push task (notifications.hpp) acts on it: a token that
// is gone is forgotten, a transient failure is retried later, a refused
// message is dropped. A push never holds up a trip or the inbox.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/async.hpp"
#include "core/base/config.hpp"

namespace uitgo::user::notifications {

struct PushMessage {
  std::string token;  // the device's registration token
  std::string title;
  std::string body;
  std::vector<std::pair<std::string, std::string>> data;  // string values only (FCM's rule)
  std::string android_channel;                            // "" = the app's default channel
};

enum class PushStatus {
  sent,
  token_gone,   // the token is not registered any more: forget it
  retry_later,  // a transient failure (timeout, 5xx, 429, credentials): try again
  rejected,     // the push service refused this message: never retried
};

struct PushOutcome {
  PushStatus status = PushStatus::sent;
  std::string reason;  // a short metric label: "" when sent; unregistered, unavailable, timeout, ...
  std::string detail;  // for the log

  static PushOutcome ok() { return {}; }
};

class PushSender {
 public:
  virtual ~PushSender() = default;
  virtual std::string_view name() const = 0;
  // Never throws for a failed delivery: the outcome says what happened.
  virtual awaitable<PushOutcome> send(const PushMessage& message) = 0;
};

// PUSH_SENDER=log: one log line per push (the token shortened).
class LogPushSender final : public PushSender {
 public:
  std::string_view name() const override { return "log"; }
  awaitable<PushOutcome> send(const PushMessage& message) override;
};

// PUSH_SENDER, PUSH_POLL_MS, PUSH_MAX_ATTEMPTS, PUSH_RETRY_BASE_MS,
// PUSH_RETRY_MAX_MS, plus fcm_spec().
config::Spec push_spec();

// The sender PUSH_SENDER names (fcm: reads the service account file; throws
// at start-up when it is missing or malformed).
std::unique_ptr<PushSender> make_push_sender(asio::any_io_executor executor, const config::Values& config);

}  // namespace uitgo::user::notifications
