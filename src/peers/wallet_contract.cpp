#include "peers/wallet_contract.hpp"

#include <boost/json/parse.hpp>

#include "core/base/errors.hpp"
#include "core/base/json_body.hpp"

namespace uitgo::peers {
namespace {

boost::json::object answer_object(std::string_view body, const char* what) {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) throw UnavailableError(std::string("user-service answered a malformed ") + what);
  return std::move(value.as_object());
}

std::int64_t int_field(const boost::json::object& o, std::string_view key, const char* what) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_int64()) {
    if (v != nullptr && v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
    throw UnavailableError(std::string("user-service answered a ") + what + " without " + std::string(key));
  }
  return v->get_int64();
}

std::string string_field(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

boost::json::object TripSettlement::to_json() const {
  return {{"tripId", trip_id}, {"riderId", rider_id}, {"driverId", driver_id}, {"fare", fare}};
}

TripSettlement TripSettlement::from_json(std::string_view body) {
  const auto object = json::parse_object(body);
  const json::Fields f(object);
  return {.trip_id = f.required_uuid("tripId"),
          .rider_id = f.required_uuid("riderId"),
          .driver_id = f.required_uuid("driverId"),
          .fare = f.required_int("fare", 0, 1'000'000'000)};
}

boost::json::object SettlementResult::to_json() const {
  return {{"tripId", trip_id}, {"fare", fare}, {"earning", earning}, {"applied", applied}};
}

SettlementResult SettlementResult::from_json(std::string_view body) {
  const auto o = answer_object(body, "settlement");
  const auto* applied = o.if_contains("applied");
  return {.trip_id = string_field(o, "tripId"),
          .fare = int_field(o, "fare", "settlement"),
          .earning = int_field(o, "earning", "settlement"),
          .applied = applied != nullptr && applied->is_bool() && applied->get_bool()};
}

boost::json::object WalletBalance::to_json() const { return {{"userId", user_id}, {"balance", balance}}; }

WalletBalance WalletBalance::from_json(std::string_view body) {
  const auto o = answer_object(body, "wallet balance");
  return {.user_id = string_field(o, "userId"), .balance = int_field(o, "balance", "wallet balance")};
}

}  // namespace uitgo::peers
