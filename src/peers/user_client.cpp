#include "peers/user_client.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/base/errors.hpp"

namespace uitgo::peers {

UserClient::UserClient(asio::any_io_executor executor, http::ClientOptions options)
    : http_(std::make_unique<http::Client>(std::move(executor), std::move(options))) {}

awaitable<std::optional<UserView>> UserClient::get(const std::string& user_id, const std::string& request_id) {
  const auto target = "/internal/users/" + user_id;
  const auto r = co_await http_->request("GET", target, "", request_id);
  if (r.status == 404) co_return std::nullopt;
  if (r.status != 200) throw UnavailableError("user-service answered " + std::to_string(r.status) + " to an account");
  co_return UserView::from_json(r.body);
}

awaitable<SettlementResult> UserClient::settle_trip(const TripSettlement& settlement, const std::string& request_id) {
  const auto body = boost::json::serialize(settlement.to_json());
  const auto r = co_await http_->request("POST", "/internal/wallet/trip-settlements", body, request_id);
  if (r.status != 200) throw UnavailableError("user-service answered " + std::to_string(r.status) + " to a settlement");
  co_return SettlementResult::from_json(r.body);
}

awaitable<WalletBalance> UserClient::wallet_balance(const std::string& user_id, const std::string& request_id) {
  const auto target = "/internal/wallets/" + user_id;
  const auto r = co_await http_->request("GET", target, "", request_id);
  if (r.status != 200) throw UnavailableError("user-service answered " + std::to_string(r.status) + " to a balance");
  co_return WalletBalance::from_json(r.body);
}

awaitable<NoticeResult> UserClient::notify_trip_event(const TripNotice& notice, const std::string& request_id) {
  const auto body = boost::json::serialize(notice.to_json());
  const auto r = co_await http_->request("POST", "/internal/notifications/trip-events", body, request_id);
  if (r.status != 200) {
    throw UnavailableError("user-service answered " + std::to_string(r.status) + " to a trip notification");
  }
  co_return NoticeResult::from_json(r.body);
}

awaitable<std::vector<NoticeResult>> UserClient::notify_trip_events(const std::vector<TripNotice>& notices,
                                                                    const std::string& request_id) {
  boost::json::array items;
  for (const auto& n : notices) items.push_back(n.to_json());
  const auto body = boost::json::serialize(boost::json::object{{"notices", std::move(items)}});
  const auto r = co_await http_->request("POST", "/internal/notifications/trip-events/batch", body, request_id);
  if (r.status != 200) {
    throw UnavailableError("user-service answered " + std::to_string(r.status) + " to a batch of trip notifications");
  }
  boost::system::error_code ec;
  const auto value = boost::json::parse(r.body, ec);
  const auto* results = !ec && value.is_object() ? value.get_object().if_contains("results") : nullptr;
  if (results == nullptr || !results->is_array() || results->get_array().size() != notices.size()) {
    throw UnavailableError("user-service answered a malformed batch of notification results");
  }
  std::vector<NoticeResult> out;
  for (const auto& v : results->get_array()) {
    if (!v.is_object()) throw UnavailableError("user-service answered a notification result that is not an object");
    out.push_back(NoticeResult::from_object(v.get_object()));
  }
  co_return out;
}

}  // namespace uitgo::peers
