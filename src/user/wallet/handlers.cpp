#include "user/wallet/handlers.hpp"

#include <boost/json/array.hpp>

#include "core/base/log.hpp"
#include "user/app.hpp"
#include "user/caller.hpp"

namespace uitgo::user::wallet {

using http::Request;
using http::Response;

awaitable<Response> get_wallet(UserApp& app, Request& request) {
  const auto owner = owner_id(request.caller());
  const auto view = co_await app.wallet.get(owner);
  co_return Response::json(200, wallet_json(view));
}

awaitable<Response> get_summary(UserApp& app, Request& request) {
  const auto owner = owner_id(request.caller());
  const auto summary = co_await app.wallet.summary(owner);
  co_return Response::json(200, summary_json(summary));
}

awaitable<Response> list_transactions(UserApp& app, Request& request) {
  const auto owner = owner_id(request.caller());
  const auto page = parse_page(request.query_param("limit"), request.query_param("offset"));
  const auto found = co_await app.wallet.transactions(owner, page);
  const auto audience = audience_of(request.caller().role);
  boost::json::array items;
  items.reserve(found.items.size());
  for (const auto& e : found.items) items.emplace_back(transaction_json(e, audience));
  co_return Response::json(
      200, boost::json::object{
               {"items", std::move(items)}, {"total", found.total}, {"limit", page.limit}, {"offset", page.offset}});
}

awaitable<Response> topup(UserApp& app, Request& request) {
  const auto owner = owner_id(request.caller());
  const auto key = parse_idempotency_key(request.header("idempotency-key"));
  const auto input = parse_topup(request.body);
  co_await app.topup_limit.check(owner);
  const auto result = co_await app.wallet.topup(owner, input.amount, key);
  auto response = Response::json(201, wallet_json(result.wallet));
  if (result.replayed) response.with_header("Idempotent-Replayed", "true");
  log::info(
      "wallet top-up",
      {{"userId", owner}, {"amount", input.amount}, {"replayed", result.replayed}, {"requestId", request.request_id}});
  co_return response;
}

awaitable<Response> internal_settle_trip(UserApp& app, Request& request) {
  const auto settlement = peers::TripSettlement::from_json(request.body);
  const auto result = co_await app.wallet.settle_trip(settlement);
  if (result.applied) {
    log::info("trip settled", {{"tripId", settlement.trip_id},
                               {"fare", result.fare},
                               {"earning", result.earning},
                               {"requestId", request.request_id}});
  }
  co_return Response::json(200, result.to_json());
}

awaitable<Response> internal_balance(UserApp& app, Request& request) {
  const auto id = normalize_uuid(request.path_param("id"));
  if (!id) throw DomainError::invalid("id", "must be a UUID");
  const auto balance = co_await app.wallet.balance(*id);
  const peers::WalletBalance view{.user_id = *id, .balance = balance};
  co_return Response::json(200, view.to_json());
}

}  // namespace uitgo::user::wallet
