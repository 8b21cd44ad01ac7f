#include "user/notifications/push.hpp"

#include "core/base/log.hpp"
#include "user/notifications/fcm.hpp"

namespace uitgo::user::notifications {

awaitable<PushOutcome> LogPushSender::send(const PushMessage& m) {
  boost::json::object data;
  for (const auto& [key, value] : m.data) data[key] = value;
  log::info("push (PUSH_SENDER=log: not sent)", {{"token", m.token.substr(0, 8) + "…"},
                                                 {"title", m.title},
                                                 {"body", m.body},
                                                 {"channel", m.android_channel},
                                                 {"data", std::move(data)}});
  co_return PushOutcome::ok();
}

config::Spec push_spec() {
  config::Spec s;
  s.choice("PUSH_SENDER", "log", {"log", "fcm"},
           "how pushes reach devices: log = written to the log, nothing is sent; fcm = Firebase Cloud Messaging "
           "HTTP v1 (FCM_*)")
      .integer("PUSH_POLL_MS", 2000, 10, 600000, "how often the push task looks for due pushes when nothing woke it")
      .integer("PUSH_MAX_ATTEMPTS", 8, 1, 100, "a push that failed this many times is dropped")
      .integer("PUSH_RETRY_BASE_MS", 1000, 1, 3600000, "first retry delay of a failed push (doubles)")
      .integer("PUSH_RETRY_MAX_MS", 300000, 1, 86400000, "longest retry delay of a failed push");
  s.merge(fcm_spec());
  return s;
}

std::unique_ptr<PushSender> make_push_sender(asio::any_io_executor executor, const config::Values& config) {
  if (config.str("PUSH_SENDER") == "fcm") return make_fcm_sender(std::move(executor), config);
  return std::make_unique<LogPushSender>();
}

}  // namespace uitgo::user::notifications
