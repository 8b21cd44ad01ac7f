// Per-account login back-off (SPEC "Abuse limits"): after
// LOGIN_FAILURES_BEFORE_BACKOFF consecutive failed logins for one email, the
// next attempts are refused with 429 rate_limited until a back-off has passed
// that doubles with every further failure, up to LOGIN_BACKOFF_MAX_SECONDS.
// Pure: the settings and the back-off rule (login_throttle.hpp keeps the
// count in Redis).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/config.hpp"

namespace uitgo::user {

struct LoginBackoffSettings {
  std::int64_t failures_before_backoff = 5;  // 0: no back-off
  std::chrono::seconds base{1};
  std::chrono::seconds max{900};
  // Failures are forgotten this long after the last one (the Redis key's TTL).
  std::chrono::seconds window{3600};
  std::chrono::milliseconds timeout{100};

  bool enabled() const { return failures_before_backoff > 0; }
  static LoginBackoffSettings from(const config::Values& config);
};

// LOGIN_FAILURES_BEFORE_BACKOFF, LOGIN_BACKOFF_BASE_SECONDS, LOGIN_BACKOFF_MAX_SECONDS,
// LOGIN_FAILURE_WINDOW_SECONDS, LOGIN_BACKOFF_REDIS_TIMEOUT_MS.
config::Spec login_backoff_spec();

// How long an account must wait after its `failures`-th consecutive failure:
// 0 below the threshold, then base, 2 base, 4 base, ... capped at max.
std::chrono::seconds login_backoff(const LoginBackoffSettings& settings, std::int64_t failures);

// The Redis key part naming an account: SHA-256 hex of the normalized
// (trimmed, lower-cased) email, so keys hold no address.
std::string login_account_key(std::string_view email);

}  // namespace uitgo::user
