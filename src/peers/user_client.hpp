// user-service's internal API as typed calls (trip-service checks the rider an
// admin books a trip for). Every path, body and answer of this contract lives
// here and in user_view.hpp; user-service's handler answers it.
//
//   GET /internal/users/{id}   → 200 UserView | 404
//   POST /internal/wallet/trip-settlements, GET /internal/wallets/{id}   (wallet_contract.hpp)
//   POST /internal/notifications/trip-events[/batch]                      (notification_contract.hpp)
//
// Answers outside these throw UnavailableError; TimeoutError when the deadline passes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/async.hpp"
#include "core/http/client.hpp"
#include "peers/notification_contract.hpp"
#include "peers/user_view.hpp"
#include "peers/wallet_contract.hpp"

namespace uitgo::peers {

class UserClient {
 public:
  UserClient(asio::any_io_executor executor, http::ClientOptions options);

  // nullopt: no such account.
  awaitable<std::optional<UserView>> get(const std::string& user_id, const std::string& request_id);
  // Idempotent by trip id: a repeat answers applied=false.
  awaitable<SettlementResult> settle_trip(const TripSettlement& settlement, const std::string& request_id);
  // The user's wallet balance (0 without a wallet).
  awaitable<WalletBalance> wallet_balance(const std::string& user_id, const std::string& request_id);
  // Idempotent by event id: a repeat answers applied=false.
  awaitable<NoticeResult> notify_trip_event(const TripNotice& notice, const std::string& request_id);
  // One call for several notices (1 to kMaxNoticeBatch); one result each, in order.
  awaitable<std::vector<NoticeResult>> notify_trip_events(const std::vector<TripNotice>& notices,
                                                          const std::string& request_id);

 private:
  std::unique_ptr<http::Client> http_;
};

}  // namespace uitgo::peers
