// The wallet's internal contract between trip-service and user-service: one
// type per shape, written and read on both sides.
//
//   POST /internal/wallet/trip-settlements  TripSettlement → 200 SettlementResult
//        (idempotent by tripId: the ledger's unique keys fare:<tripId> and
//        earning:<tripId> make a repeat a no-op that answers 200, applied=false)
//   GET  /internal/wallets/{userId}         → 200 WalletBalance (a user without
//        a wallet has balance 0)
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace uitgo::peers {

// The rider pays `fare`; the driver earns their share of it (user-service's rule).
struct TripSettlement {
  std::string trip_id;
  std::string rider_id;
  std::string driver_id;
  std::int64_t fare = 0;  // VND

  boost::json::object to_json() const;
  // The request body (user-service): a DomainError naming the field when malformed.
  static TripSettlement from_json(std::string_view body);
};

struct SettlementResult {
  std::string trip_id;
  std::int64_t fare = 0;
  std::int64_t earning = 0;
  bool applied = false;  // false: settled before (a repeat)

  boost::json::object to_json() const;
  // Throws UnavailableError when `body` is not this shape.
  static SettlementResult from_json(std::string_view body);
};

struct WalletBalance {
  std::string user_id;
  std::int64_t balance = 0;

  boost::json::object to_json() const;
  static WalletBalance from_json(std::string_view body);
};

}  // namespace uitgo::peers
