// The wallet routes' wire format (pure, unit-tested).
//
//   GET  /v1/wallet              {balance, rewardPoints, currency, updatedAt}
//   GET  /v1/wallet/summary      {balance, weeklyRevenue, monthlyRevenue, currency,
//                                 recentEarnings: [{label, amount}] (7 days, oldest first)}
//   GET  /v1/wallet/transactions {items, total, limit, offset}; items
//                                {id, type, kind, amount (positive), currency, status,
//                                 description, reference, balanceAfter, createdAt}
//   POST /v1/wallet/topup        {amount} → 201 the wallet
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/json_body.hpp"
#include "user/wallet/ledger.hpp"

namespace uitgo::user::wallet {

struct WalletView {
  std::int64_t balance = 0;
  std::int64_t reward_points = 0;
  std::string updated_at;  // RFC 3339 UTC
};

struct DayEarning {
  std::string label;
  std::int64_t amount = 0;
};

struct Summary {
  std::int64_t balance = 0;
  std::int64_t weekly_revenue = 0;   // earnings of the last 7 days
  std::int64_t monthly_revenue = 0;  // earnings of the last 30 days
  std::vector<DayEarning> recent;    // the last 7 calendar days, oldest first
};

struct TopupRequest {
  std::int64_t amount = 0;
  static TopupRequest from_json(const json::Fields& f);
};
// 400 "amount is required" / "must be an integer"; the bounds are the use case's.
TopupRequest parse_topup(std::string_view body);

inline constexpr int kDefaultLimit = 20;
inline constexpr int kMaxLimit = 100;
inline constexpr std::int64_t kMaxOffset = 10'000;

struct Page {
  int limit = kDefaultLimit;
  std::int64_t offset = 0;
};
// ?limit (default 20, above 100 → 100, < 1 → 400) and ?offset (default 0,
// < 0 → 400, above 10,000 → 10,000); not an integer → 400 naming the parameter.
Page parse_page(std::optional<std::string_view> limit, std::optional<std::string_view> offset);

// The Idempotency-Key header: 1 to 255 printable ASCII characters (trip-service's rule), else 400.
std::optional<std::string> parse_idempotency_key(std::optional<std::string_view> header);

// The app a caller uses decides the transaction types: drivers get income|payout.
enum class Audience { rider, driver };
Audience audience_of(std::string_view role);

boost::json::object wallet_json(const WalletView& w);
boost::json::object summary_json(const Summary& s);
boost::json::object transaction_json(const Entry& e, Audience audience);

}  // namespace uitgo::user::wallet
