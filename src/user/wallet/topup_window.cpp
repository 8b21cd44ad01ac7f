#include "user/wallet/topup_window.hpp"

namespace uitgo::user::wallet {

TopupWindow topup_window(std::string_view user_id, std::int64_t now_seconds) {
  const std::int64_t minute = now_seconds / kTopupWindowSeconds;
  const std::int64_t left = kTopupWindowSeconds - now_seconds % kTopupWindowSeconds;
  std::string key = "wallet:topup:";
  key.append(user_id).append(":").append(std::to_string(minute));
  return {.key = std::move(key), .retry_after = left < 1 ? 1 : left, .ttl_seconds = kTopupWindowSeconds + 5};
}

}  // namespace uitgo::user::wallet
