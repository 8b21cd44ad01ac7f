#include "user/wallet/topup_limit.hpp"

#include "core/base/rate_limit.hpp"
#include "core/base/time.hpp"
#include "user/wallet/topup_window.hpp"

namespace uitgo::user::wallet {
namespace {

// KEYS: the window's counter. ARGV: its TTL in seconds. Returns the count.
constexpr const char* kCount = R"lua(
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1])) end
return n
)lua";

}  // namespace

config::Spec topup_limit_spec() {
  config::Spec s;
  s.integer("TOPUP_RATE_LIMIT_PER_MINUTE", 10, 0, 1'000'000,
            "top-ups (POST /v1/wallet/topup) one user may make per clock minute; beyond it 429 rate_limited with "
            "Retry-After; 0 = no limit")
      .integer("TOPUP_RATE_LIMIT_REDIS_TIMEOUT_MS", 100, 1, 10000,
               "deadline of the top-up limit's Redis call; on error or timeout top-ups go on (fail open)");
  return s;
}

TopupLimitSettings TopupLimitSettings::from(const config::Values& c) {
  return {.per_minute = c.integer("TOPUP_RATE_LIMIT_PER_MINUTE"),
          .timeout = c.millis("TOPUP_RATE_LIMIT_REDIS_TIMEOUT_MS")};
}

TopupLimit::TopupLimit(redis::Client& redis, metrics::Registry& metrics, TopupLimitSettings settings)
    : redis_(redis), metrics_(metrics), settings_(settings), count_(kCount) {}

awaitable<void> TopupLimit::check(const std::string& user_id) {
  if (settings_.per_minute <= 0) co_return;
  const auto window = topup_window(user_id, now_ms() / 1000);
  std::int64_t count = 0;
  try {
    redis::Command keys{window.key};
    redis::Command args{window.ttl_seconds};
    auto counting =
        with_deadline(redis_.eval(count_, std::move(keys), std::move(args)), settings_.timeout, "top-up limit INCR");
    const redis::Reply reply = co_await std::move(counting);
    count = reply.as_int();
  } catch (const std::exception& e) {
    std::uint64_t held_back = 0;
    if (warnings_.allow(held_back)) {
      log::warn("top-up limit unavailable, top-ups go on without it",
                {{"error", e.what()}, {"suppressedSinceLast", held_back}});
    }
    co_return;
  }
  if (!over_topup_limit(count, settings_.per_minute)) co_return;
  metrics_.counter("wallet_topup_rate_limited_total", "top-ups refused by the per-user limit", {}).inc();
  throw RateLimitedError(
      "too many top-ups; at most " + std::to_string(settings_.per_minute) + " per minute, retry later",
      window.retry_after);
}

}  // namespace uitgo::user::wallet
