// The per-user top-up limit's rule (pure, unit-tested): at most
// TOPUP_RATE_LIMIT_PER_MINUTE top-ups per user in each fixed minute (UTC
// clock minutes), counted in Redis under wallet:topup:<userId>:<minute>.
// Over it: 429 rate_limited with Retry-After = the seconds left in the minute.
// Kept small and local to the wallet on purpose.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace uitgo::user::wallet {

inline constexpr std::int64_t kTopupWindowSeconds = 60;

struct TopupWindow {
  std::string key;               // the Redis counter of this user and minute
  std::int64_t retry_after = 1;  // seconds until the next window, >= 1
  std::int64_t ttl_seconds = 0;  // what the counter lives for (a window and a margin)
};

TopupWindow topup_window(std::string_view user_id, std::int64_t now_seconds);

// Whether the `count`-th top-up of a window is over `limit` (0 = no limit).
inline bool over_topup_limit(std::int64_t count, std::int64_t limit) { return limit > 0 && count > limit; }

}  // namespace uitgo::user::wallet
