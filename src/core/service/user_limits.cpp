#include "core/service/user_limits.hpp"

#include <algorithm>
#include <cmath>

#include "core/base/errors.hpp"
#include "core/base/rate_limit.hpp"
#include "core/http/pipeline.hpp"

namespace uitgo::service {
namespace {

// KEYS[1] the bucket; ARGV[1] capacity, ARGV[2] tokens per millisecond.
// Returns 0 when a token was taken, else the milliseconds until one is due.
// Time comes from Redis so instances with skewed clocks share one bucket.
const redis::Script kTakeToken(R"lua(
local capacity = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * per_ms)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) / per_ms)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / per_ms) + 1000)
return wait
)lua");

struct ClassDefaults {
  const char* name;
  const char* variable;  // USER_<variable>_PER_MINUTE, USER_<variable>_BURST
  std::int64_t per_minute;
  std::int64_t burst;
  const char* what;
};

// Generous for a person using an app (a driver app pings every few seconds),
// tight for a script holding one account's token.
constexpr ClassDefaults kClasses[] = {
    {"writes", "WRITES", 120, 30, "signed-in calls that change something (POST, PUT, PATCH, DELETE)"},
    {"search", "SEARCHES", 120, 20, "driver searches"},
    {"pings", "PINGS", 120, 20, "driver location pings (REST and WebSocket)"},
};

}  // namespace

config::Spec user_limits_spec() {
  config::Spec s;
  s.boolean("LIFT_PER_USER_LIMITS", false,
            "load-test stacks only: lifts MAX_OPEN_TRIPS_PER_RIDER and every per-user rate limit, so one token "
            "may drive 50 trips/s (the original's k6 scripts)");
  for (const auto& c : kClasses) {
    const std::string prefix = std::string("USER_") + c.variable;
    s.integer(prefix + "_PER_MINUTE", c.per_minute, 0, 1000000,
              std::string("per-user allowance of ") + c.what + " per minute (0 = unlimited); over it: 429");
    s.integer(prefix + "_BURST", c.burst, 1, 1000000, std::string("per-user burst of ") + c.what);
  }
  s.integer("USER_LIMITS_REDIS_TIMEOUT_MS", 50, 1, 10000,
            "deadline of the per-user limit's Redis call; on error or timeout the request goes on (fail open)");
  return s;
}

bool per_user_limits_lifted(const config::Values& config) { return config.flag("LIFT_PER_USER_LIMITS"); }

std::map<std::string, Bucket> UserLimits::buckets_from(const config::Values& config) {
  std::map<std::string, Bucket> out;
  for (const auto& c : kClasses) {
    const std::string prefix = std::string("USER_") + c.variable;
    out[c.name] =
        Bucket{.per_minute = config.integer(prefix + "_PER_MINUTE"), .burst = config.integer(prefix + "_BURST")};
  }
  return out;
}

UserLimits::UserLimits(redis::Client& redis, metrics::Registry& metrics, std::map<std::string, Bucket> buckets,
                       std::chrono::milliseconds timeout)
    : redis_(redis), metrics_(metrics), buckets_(std::move(buckets)), timeout_(timeout) {}

awaitable<void> UserLimits::take(const std::string& limit_class, const Principal& caller) {
  const auto found = buckets_.find(limit_class);
  if (found == buckets_.end() || found->second.per_minute <= 0 || caller.user_id.empty()) co_return;
  const Bucket bucket = found->second;
  const double per_ms = static_cast<double>(bucket.per_minute) / 60000.0;
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.9f", per_ms);
  redis::Command keys{"limit:" + limit_class + ":" + caller.user_id};
  redis::Command args{std::to_string(bucket.burst), rate};
  std::int64_t wait_ms = 0;
  std::string failure;
  try {
    auto reply = co_await redis_.eval(kTakeToken, std::move(keys), std::move(args), timeout_);
    wait_ms = reply.as_int();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) {
    metrics_.counter("user_limit_errors_total", "per-user limit checks skipped because Redis failed").inc();
    std::uint64_t held_back = 0;
    if (warnings_.allow(held_back)) {
      log::warn("per-user limit skipped: Redis failed", {{"error", failure}, {"heldBack", held_back}});
    }
    co_return;
  }
  if (wait_ms <= 0) co_return;
  metrics_.counter("user_limited_total", "requests refused by a per-user rate limit", {{"limit", limit_class}}).inc();
  const auto retry_after = (wait_ms + 999) / 1000;
  throw RateLimitedError(
      "too many " + limit_class + " requests for this account; retry in " + std::to_string(retry_after) + " s",
      retry_after);
}

void install_user_limits(Runtime& runtime, redis::Client& redis) {
  const auto& config = runtime.config();
  if (per_user_limits_lifted(config)) {
    log::warn("LIFT_PER_USER_LIMITS is set: no per-user limits (load-test stacks only)");
    return;
  }
  auto limits = std::make_shared<UserLimits>(redis, runtime.metrics(), UserLimits::buckets_from(config),
                                             config.millis("USER_LIMITS_REDIS_TIMEOUT_MS"));
  runtime.set_user_limit(
      [limits](const std::string& limit_class, const Principal& caller) { return limits->take(limit_class, caller); });
}

}  // namespace uitgo::service
