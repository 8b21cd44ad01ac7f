#include "user/wallet/ledger.hpp"

#include "core/base/errors.hpp"

namespace uitgo::user::wallet {

std::string_view to_string(Kind kind) {
  switch (kind) {
    case Kind::topup:
      return "topup";
    case Kind::fare:
      return "fare";
    case Kind::earning:
      return "earning";
    case Kind::reward:
      return "reward";
    case Kind::refund:
      return "refund";
    case Kind::adjustment:
      return "adjustment";
  }
  return "adjustment";
}

std::optional<Kind> parse_kind(std::string_view text) {
  for (const auto k : {Kind::topup, Kind::fare, Kind::earning, Kind::reward, Kind::refund, Kind::adjustment}) {
    if (to_string(k) == text) return k;
  }
  return std::nullopt;
}

std::string topup_key(std::string_view user_id, std::string_view idempotency_key) {
  return "topup:" + std::string(user_id) + ":" + std::string(idempotency_key);
}
std::string fare_key(std::string_view trip_id) { return "fare:" + std::string(trip_id); }
std::string earning_key(std::string_view trip_id) { return "earning:" + std::string(trip_id); }

bool may_post(Kind kind, std::int64_t balance, std::int64_t amount) {
  if (amount >= 0 || kind == Kind::fare) return true;
  return balance + amount >= 0;
}

std::int64_t driver_earning(std::int64_t fare, std::int64_t share_percent) {
  if (fare <= 0 || share_percent <= 0) return 0;
  return fare * share_percent / 100;
}

void check_topup_amount(std::int64_t amount, TopupBounds bounds) {
  if (amount <= 0) throw DomainError::invalid("amount", "amount must be positive");
  if (amount < bounds.min || amount > bounds.max) {
    throw DomainError::invalid("amount", "amount must be between " + std::to_string(bounds.min) + " and " +
                                             std::to_string(bounds.max) + " VND");
  }
}

std::string_view rider_type(const Entry& e) {
  if (e.amount < 0) return "deduction";
  return e.kind == Kind::reward ? "reward" : "topup";
}

std::string_view driver_type(const Entry& e) { return e.amount < 0 ? "payout" : "income"; }

std::string describe(const Entry& e) {
  if (e.trip_id) return "Chuyến " + *e.trip_id;
  switch (e.kind) {
    case Kind::topup:
      return "Nạp tiền";
    case Kind::reward:
      return "Thưởng";
    case Kind::refund:
      return "Hoàn tiền";
    case Kind::adjustment:
      return "Điều chỉnh";
    case Kind::fare:
      return "Cước chuyến đi";
    case Kind::earning:
      return "Thu nhập chuyến đi";
  }
  return "";
}

std::string_view weekday_label(int iso_day) {
  static constexpr std::string_view kLabels[] = {"T2", "T3", "T4", "T5", "T6", "T7", "CN"};
  if (iso_day < 1 || iso_day > 7) return "";
  return kLabels[iso_day - 1];
}

}  // namespace uitgo::user::wallet
