#include "peers/trip_client.hpp"

#include <boost/json/parse.hpp>

#include "core/base/errors.hpp"
#include "core/base/json_text.hpp"

namespace uitgo::peers {
namespace {

namespace bj = boost::json;

std::string trip_path(const std::string& trip_id, std::string_view action = {}) {
  std::string path = "/internal/trips/" + trip_id;
  if (!action.empty()) path.append("/").append(action);
  return path;
}

// The "code" of an error answer, or "" when the body is not the error shape.
std::string error_code(const http::ClientResponse& r) {
  boost::system::error_code ec;
  const auto value = bj::parse(r.body, ec);
  if (ec || !value.is_object()) return "";
  const auto* code = value.get_object().if_contains("code");
  return code != nullptr && code->is_string() ? std::string(code->get_string()) : "";
}

bool flag(const http::ClientResponse& r, std::string_view name) {
  boost::system::error_code ec;
  const auto value = bj::parse(r.body, ec);
  if (ec || !value.is_object()) throw UnavailableError("trip-service answered with a malformed body");
  const auto* v = value.get_object().if_contains(name);
  return v != nullptr && v->is_bool() && v->get_bool();
}

[[noreturn]] void unexpected(std::string_view call, const http::ClientResponse& r) {
  throw UnavailableError("trip-service " + std::string(call) + " answered " + std::to_string(r.status));
}

}  // namespace

TripClient::TripClient(asio::any_io_executor executor, http::ClientOptions options)
    : http_(std::make_unique<http::Client>(std::move(executor), std::move(options))) {}

awaitable<http::ClientResponse> TripClient::post(const std::string& target, const std::string& body,
                                                 const std::string& request_id) {
  co_return co_await http_->request("POST", target, body, request_id);
}

awaitable<std::optional<InternalTrip>> TripClient::get(const std::string& trip_id, const std::string& request_id) {
  const auto target = trip_path(trip_id);
  const auto r = co_await http_->request("GET", target, "", request_id);
  if (r.status == 404) co_return std::nullopt;
  if (r.status != 200) unexpected("GET trip", r);
  co_return InternalTrip::from_json(r.body);
}

awaitable<OfferResult> TripClient::offer(const std::string& trip_id, const std::string& driver_id, int attempt,
                                         const std::string& request_id) {
  const auto body = uitgo::json::to_text(bj::object{{"driverId", driver_id}, {"attempt", attempt}});
  const auto target = trip_path(trip_id, "offer");
  const auto r = co_await post(target, body, request_id);
  if (r.status == 200) co_return flag(r, "created") ? OfferResult::made : OfferResult::already_yours;
  if (r.status == 409 && error_code(r) == "driver_excluded") co_return OfferResult::driver_excluded;
  if (r.status == 409 || r.status == 404) co_return OfferResult::closed;
  unexpected("offer", r);
}

awaitable<ExpiryResult> TripClient::expire_offer(const std::string& trip_id, const std::string& driver_id,
                                                 const std::string& request_id) {
  const auto body = uitgo::json::to_text(bj::object{{"driverId", driver_id}});
  const auto target = trip_path(trip_id, "offer-expired");
  const auto r = co_await post(target, body, request_id);
  if (r.status == 200) co_return flag(r, "expired") ? ExpiryResult::expired_now : ExpiryResult::already_ended;
  if (r.status == 409) co_return ExpiryResult::accepted;
  if (r.status == 404) co_return ExpiryResult::unknown;
  unexpected("offer-expired", r);
}

awaitable<CancelResult> TripClient::cancel_unmatched(const std::string& trip_id, const std::string& reason,
                                                     const std::string& request_id) {
  const auto body = uitgo::json::to_text(bj::object{{"reason", reason}});
  const auto target = trip_path(trip_id, "cancel");
  const auto r = co_await post(target, body, request_id);
  if (r.status == 200) co_return CancelResult::cancelled;
  if (r.status == 409) co_return CancelResult::too_late;
  if (r.status == 404) co_return CancelResult::unknown;
  unexpected("cancel", r);
}

}  // namespace uitgo::peers
