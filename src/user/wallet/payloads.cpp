#include "user/wallet/payloads.hpp"

#include <boost/json/array.hpp>

#include <algorithm>

#include "core/base/errors.hpp"
#include "core/base/query_params.hpp"

namespace uitgo::user::wallet {

TopupRequest TopupRequest::from_json(const json::Fields& f) {
  return {.amount = f.required_int("amount", 1, 1'000'000'000'000)};
}

TopupRequest parse_topup(std::string_view body) { return json::parse_body<TopupRequest>(body); }

Page parse_page(std::optional<std::string_view> limit, std::optional<std::string_view> offset) {
  const auto page = page_query(
      limit, offset, PageBounds{.default_limit = kDefaultLimit, .max_limit = kMaxLimit, .max_offset = kMaxOffset});
  return {.limit = page.limit, .offset = page.offset};
}

std::optional<std::string> parse_idempotency_key(std::optional<std::string_view> header) {
  if (!header) return std::nullopt;
  const std::string_view key = *header;
  const bool printable = std::all_of(key.begin(), key.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
  if (key.empty() || key.size() > 255 || !printable) {
    throw DomainError::invalid("Idempotency-Key",
                               "Idempotency-Key must be 1 to 255 printable ASCII characters without spaces");
  }
  return std::string(key);
}

Audience audience_of(std::string_view role) { return role == "driver" ? Audience::driver : Audience::rider; }

boost::json::object wallet_json(const WalletView& w) {
  return {
      {"balance", w.balance}, {"rewardPoints", w.reward_points}, {"currency", kCurrency}, {"updatedAt", w.updated_at}};
}

boost::json::object summary_json(const Summary& s) {
  boost::json::array recent;
  recent.reserve(s.recent.size());
  for (const auto& d : s.recent) recent.push_back(boost::json::object{{"label", d.label}, {"amount", d.amount}});
  return {{"balance", s.balance},
          {"weeklyRevenue", s.weekly_revenue},
          {"monthlyRevenue", s.monthly_revenue},
          {"currency", kCurrency},
          {"recentEarnings", std::move(recent)}};
}

boost::json::object transaction_json(const Entry& e, Audience audience) {
  const auto type = audience == Audience::driver ? driver_type(e) : rider_type(e);
  boost::json::object o{{"id", e.id},
                        {"type", type},
                        {"kind", to_string(e.kind)},
                        {"amount", e.amount < 0 ? -e.amount : e.amount},
                        {"currency", kCurrency},
                        {"status", "completed"},
                        {"description", describe(e)},
                        {"balanceAfter", e.balance_after},
                        {"createdAt", e.created_at}};
  o["reference"] = e.trip_id ? boost::json::value(*e.trip_id) : boost::json::value(nullptr);
  return o;
}

}  // namespace uitgo::user::wallet
