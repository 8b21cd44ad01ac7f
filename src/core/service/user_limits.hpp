// Per-user rate limits: a token bucket per (limit class, user id) kept in
// Redis, so every instance of a service draws from the same allowance. One
// EVALSHA per limited request. Classes: "writes" (any signed-in call that is
// not a read), "search" and "pings"; routes name theirs in http::Access.
// Redis failing never fails a request: the limit is skipped (fail open,
// counted in user_limit_errors_total), because an outage of the limiter must
// not become an outage of the service.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "core/base/config.hpp"
#include "core/base/log.hpp"
#include "core/base/metrics.hpp"
#include "core/base/principal.hpp"
#include "core/redis/client.hpp"
#include "core/service/runtime.hpp"

namespace uitgo::service {

// LIFT_PER_USER_LIMITS, USER_<CLASS>_PER_MINUTE / _BURST, USER_LIMITS_REDIS_TIMEOUT_MS.
config::Spec user_limits_spec();

// LIFT_PER_USER_LIMITS: load-test stacks only (one token driving 50 trips/s).
bool per_user_limits_lifted(const config::Values& config);

struct Bucket {
  std::int64_t per_minute = 0;  // refill; 0 = unlimited
  std::int64_t burst = 1;       // capacity
};

class UserLimits {
 public:
  UserLimits(redis::Client& redis, metrics::Registry& metrics, std::map<std::string, Bucket> buckets,
             std::chrono::milliseconds timeout);
  static std::map<std::string, Bucket> buckets_from(const config::Values& config);

  // Throws RateLimitedError (429 + Retry-After) when the bucket is empty.
  awaitable<void> take(const std::string& limit_class, const Principal& caller);

 private:
  redis::Client& redis_;
  metrics::Registry& metrics_;
  std::map<std::string, Bucket> buckets_;
  std::chrono::milliseconds timeout_;
  log::Throttle warnings_{std::chrono::seconds(10)};
};

// Builds the limiter from the config and installs it on the runtime's
// pipeline; does nothing when LIFT_PER_USER_LIMITS is set.
void install_user_limits(Runtime& runtime, redis::Client& redis);

}  // namespace uitgo::service
