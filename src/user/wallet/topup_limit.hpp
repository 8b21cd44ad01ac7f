// The per-user top-up limit (rule in topup_window.hpp) against Redis: one
// INCR (and EXPIRE on the first) per top-up, in a Lua script. Fails open: when
// Redis errs or is slower than TOPUP_RATE_LIMIT_REDIS_TIMEOUT_MS the top-up
// goes on (a throttled warning is logged); the ledger's own rules still hold.
#pragma once

#include <cstdint>
#include <string>

#include "core/base/async.hpp"
#include "core/base/config.hpp"
#include "core/base/log.hpp"
#include "core/base/metrics.hpp"
#include "core/redis/client.hpp"
#include "core/redis/script.hpp"

namespace uitgo::user::wallet {

// TOPUP_RATE_LIMIT_PER_MINUTE, TOPUP_RATE_LIMIT_REDIS_TIMEOUT_MS.
config::Spec topup_limit_spec();

struct TopupLimitSettings {
  std::int64_t per_minute = 10;  // 0 = no limit
  Millis timeout{100};
  static TopupLimitSettings from(const config::Values& config);
};

class TopupLimit {
 public:
  TopupLimit(redis::Client& redis, metrics::Registry& metrics, TopupLimitSettings settings);

  // Counts a top-up of `user_id`; throws RateLimitedError over the limit.
  awaitable<void> check(const std::string& user_id);

 private:
  redis::Client& redis_;
  metrics::Registry& metrics_;
  TopupLimitSettings settings_;
  redis::Script count_;
  log::Throttle warnings_{std::chrono::seconds(10)};
};

}  // namespace uitgo::user::wallet
