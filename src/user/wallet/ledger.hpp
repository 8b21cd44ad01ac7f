// The wallet's rules (pure, unit-tested). Money is integer đồng (VND).
//
// Every movement is one row of the append-only ledger `wallet_transactions`
// with a signed amount (credit > 0, debit < 0) and a UNIQUE business key naming
// the event it records, so recording an event twice is a no-op:
//
//   topup       topup:<userId>:<Idempotency-Key>   (a fresh key when none is sent)
//   fare        fare:<tripId>                       the rider pays the trip
//   earning     earning:<tripId>                    the driver's share of that fare
//   reward, refund, adjustment                      (<kind>:<reference>; no route writes them yet)
//
// The `wallets` row holds the balance and is updated in the same transaction
// as each ledger row (balance = sum of the user's amounts, checked by tests).
//
// Never negative, with one exception: a fare is always recorded, because the
// ride has happened and refusing to record it would not undo it; it may take
// the rider's balance below zero, and the next top-up pays the debt first.
// Any other debit that would leave the balance negative is refused (409
// insufficient_balance). With WALLET_REQUIRED=true trip-service checks the
// balance against the fare estimate before a trip is created, so a negative
// balance only follows a fare above the estimate or a wallet spent meanwhile.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace uitgo::user::wallet {

inline constexpr std::string_view kCurrency = "VND";
// Days (for the driver's revenue figures) are calendar days in Vietnam.
inline constexpr std::string_view kTimeZone = "Asia/Ho_Chi_Minh";

enum class Kind { topup, fare, earning, reward, refund, adjustment };

std::string_view to_string(Kind kind);
std::optional<Kind> parse_kind(std::string_view text);

std::string topup_key(std::string_view user_id, std::string_view idempotency_key);
std::string fare_key(std::string_view trip_id);
std::string earning_key(std::string_view trip_id);

// Whether `amount` (signed) may be posted on a balance of `balance`: credits
// always; debits while the balance stays >= 0; fares always (see above).
bool may_post(Kind kind, std::int64_t balance, std::int64_t amount);

// The driver's earning from a fare: floor(fare × share_percent / 100).
std::int64_t driver_earning(std::int64_t fare, std::int64_t share_percent);

struct TopupBounds {
  std::int64_t min = 10'000;
  std::int64_t max = 5'000'000;
};
// 400 validation_failed naming "amount" with a readable message outside the bounds.
void check_topup_amount(std::int64_t amount, TopupBounds bounds);

struct Entry {
  std::string id;
  Kind kind = Kind::topup;
  std::int64_t amount = 0;  // signed
  std::int64_t balance_after = 0;
  std::optional<std::string> trip_id;
  std::string created_at;  // RFC 3339 UTC
};

// The type each app reads on GET /v1/wallet/transactions (amounts are shown
// as positive magnitudes; the type says which way the money went):
//   rider app:  topup | reward | deduction (anything it does not know reads as deduction)
//   driver app: income | payout (anything else reads as income)
std::string_view rider_type(const Entry& entry);
std::string_view driver_type(const Entry& entry);
// "Chuyến <tripId>" for trip entries, else a short Vietnamese label of the kind.
std::string describe(const Entry& entry);

// The label of a weekday on the driver app's chart (ISO day 1 = Monday → "T2", ..., 7 = Sunday → "CN").
std::string_view weekday_label(int iso_day);

}  // namespace uitgo::user::wallet
