#include "user/app.hpp"

#include "core/base/log.hpp"
#include "core/service/peers.hpp"

namespace uitgo::user {

config::Spec settings_spec() {
  config::Spec s;
  s.integer("PASSWORD_HASH_THREADS", 2, 1, 64,
            "threads hashing passwords (argon2id, ~65 ms and 64 MiB each); keep at or below the core count");
  s.integer("PASSWORD_HASH_QUEUE", 64, 1, 100000, "hashes waiting for a thread before login/register answer 503");
  s.merge(mail_spec()).merge(password_reset_spec()).merge(login_backoff_spec()).merge(wallet::wallet_spec());
  s.merge(wallet::topup_limit_spec()).merge(notifications::push_spec());
  return s;
}

UserApp::UserApp(service::Runtime& runtime, pg::Pool& db, redis::Client& redis, const auth::Jwt& jwt,
                 const std::string& internal_token)
    : db(db),
      jwt(jwt),
      hasher(static_cast<std::size_t>(runtime.config().integer("PASSWORD_HASH_THREADS")),
             static_cast<std::size_t>(runtime.config().integer("PASSWORD_HASH_QUEUE"))),
      login_throttle(redis, LoginBackoffSettings::from(runtime.config())),
      drivers(runtime.executor(), service::peer_options(runtime.config(), "DRIVER_SERVICE", internal_token)),
      sessions(db, hasher, jwt, login_throttle),
      accounts(db),
      registration(db, hasher, drivers, jwt),
      mail(runtime, make_mail_sender(runtime.config()),
           static_cast<std::size_t>(runtime.config().integer("MAIL_QUEUE_MAX"))),
      passwords(db, hasher, mail, PasswordResetSettings::from(runtime.config())),
      home(db, redis, runtime.metrics(), home::cache_settings(runtime.config())),
      places(db),
      wallet(db, runtime.metrics(), wallet::WalletSettings::from(runtime.config())),
      topup_limit(redis, runtime.metrics(), wallet::TopupLimitSettings::from(runtime.config())),
      notifications(runtime, db, notifications::make_push_sender(runtime.executor(), runtime.config()),
                    notifications::PushSettings::from(runtime.config())),
      deny_failures(runtime.metrics().counter(
          "auth_deny_failures_total", "access-token denials Redis did not take (the tokens end at their expiry)")) {}

std::shared_ptr<UserApp> install(service::Runtime& runtime, pg::Pool& db, redis::Client& redis, const auth::Jwt& jwt,
                                 const std::string& internal_token) {
  auto app = std::make_shared<UserApp>(runtime, db, redis, jwt, internal_token);
  add_routes(runtime.router(), app);
  const auto cache = home::cache_settings(runtime.config());
  log::info("home cache",
            {{"enabled", cache.enabled}, {"ttlSeconds", cache.ttl.count()}, {"timeoutMs", cache.timeout.count()}});
  return app;
}

awaitable<void> revoke_access_tokens(UserApp& app, const std::string& user_id, const std::string& request_id) {
  if (!app.denied) co_return;
  std::string failure;
  try {
    co_await app.denied->deny(user_id);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (failure.empty()) co_return;
  app.deny_failures.inc();
  log::warn("access tokens not denied: Redis failed; they end at their expiry",
            {{"userId", user_id}, {"error", failure}, {"request_id", request_id}});
}

}  // namespace uitgo::user
