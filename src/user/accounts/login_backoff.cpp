#include "user/accounts/login_backoff.hpp"

#include <algorithm>

#include "core/base/digest.hpp"
#include "user/accounts/inputs.hpp"

namespace uitgo::user {

config::Spec login_backoff_spec() {
  config::Spec s;
  s.integer("LOGIN_FAILURES_BEFORE_BACKOFF", 5, 0, 1000,
            "consecutive failed logins for one email before its next attempts get 429 rate_limited "
            "(0: no per-account back-off)");
  s.integer("LOGIN_BACKOFF_BASE_SECONDS", 1, 1, 86400,
            "first back-off after the threshold; doubles with every further failure");
  s.integer("LOGIN_BACKOFF_MAX_SECONDS", 900, 1, 86400, "cap of the per-account login back-off");
  s.integer("LOGIN_FAILURE_WINDOW_SECONDS", 3600, 1, 604800,
            "failed logins of an email are forgotten this long after the last one (Redis TTL)");
  s.integer("LOGIN_BACKOFF_REDIS_TIMEOUT_MS", 100, 1, 10000,
            "deadline of the back-off's Redis calls; on error or timeout logins go on without it (fail open)");
  return s;
}

LoginBackoffSettings LoginBackoffSettings::from(const config::Values& config) {
  LoginBackoffSettings s;
  s.failures_before_backoff = config.integer("LOGIN_FAILURES_BEFORE_BACKOFF");
  s.base = std::chrono::seconds(config.integer("LOGIN_BACKOFF_BASE_SECONDS"));
  s.max = std::chrono::seconds(config.integer("LOGIN_BACKOFF_MAX_SECONDS"));
  s.window = std::chrono::seconds(config.integer("LOGIN_FAILURE_WINDOW_SECONDS"));
  s.timeout = std::chrono::milliseconds(config.integer("LOGIN_BACKOFF_REDIS_TIMEOUT_MS"));
  return s;
}

std::chrono::seconds login_backoff(const LoginBackoffSettings& settings, std::int64_t failures) {
  if (!settings.enabled() || failures < settings.failures_before_backoff) return std::chrono::seconds(0);
  const auto max = std::max(settings.max, std::chrono::seconds(1));
  auto backoff = std::min(std::max(settings.base, std::chrono::seconds(1)), max);
  for (std::int64_t n = settings.failures_before_backoff; n < failures && backoff < max; ++n) {
    backoff = std::min(backoff * 2, max);
  }
  return backoff;
}

std::string login_account_key(std::string_view email) { return sha256_hex(normalize_email(email)); }

}  // namespace uitgo::user
