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

namespace {

// The body of a 200 answer as an object, or UnavailableError.
bj::object answer_object(const http::ClientResponse& r, std::string_view call) {
  boost::system::error_code ec;
  auto value = bj::parse(r.body, ec);
  if (ec || !value.is_object()) {
    throw UnavailableError("trip-service " + std::string(call) + " answered a malformed body");
  }
  return std::move(value.get_object());
}

const bj::array& answer_array(const bj::object& o, std::string_view name, std::string_view call) {
  const auto* v = o.if_contains(name);
  if (v == nullptr || !v->is_array()) {
    throw UnavailableError("trip-service " + std::string(call) + " answered without \"" + std::string(name) + "\"");
  }
  return v->get_array();
}

OfferResult offer_result(std::string_view outcome) {
  if (outcome == "created") return OfferResult::made;
  if (outcome == "already_yours") return OfferResult::already_yours;
  if (outcome == "driver_excluded") return OfferResult::driver_excluded;
  return OfferResult::closed;
}

}  // namespace

awaitable<std::map<std::string, InternalTrip>> TripClient::lookup(const std::vector<std::string>& trip_ids,
                                                                  const std::string& request_id) {
  bj::array ids;
  for (const auto& id : trip_ids) ids.emplace_back(id);
  const auto body = uitgo::json::to_text(bj::object{{"ids", std::move(ids)}});
  const std::string target = "/internal/trips/lookup";
  const auto r = co_await post(target, body, request_id);
  if (r.status != 200) unexpected("lookup", r);
  const auto answer = answer_object(r, "lookup");
  std::map<std::string, InternalTrip> out;
  for (const auto& v : answer_array(answer, "trips", "lookup")) {
    if (!v.is_object()) throw UnavailableError("trip-service lookup answered a trip that is not an object");
    auto trip = InternalTrip::from_object(v.get_object());
    out.emplace(trip.id, std::move(trip));
  }
  co_return out;
}

awaitable<std::vector<OfferResult>> TripClient::offer_many(const std::vector<OfferItem>& offers,
                                                           const std::string& request_id) {
  bj::array items;
  for (const auto& o : offers) {
    items.push_back(bj::object{{"tripId", o.trip_id}, {"driverId", o.driver_id}, {"attempt", o.attempt}});
  }
  const auto body = uitgo::json::to_text(bj::object{{"offers", std::move(items)}});
  const std::string target = "/internal/trips/offers";
  const auto r = co_await post(target, body, request_id);
  if (r.status != 200) unexpected("offers", r);
  const auto answer = answer_object(r, "offers");
  const auto& results = answer_array(answer, "results", "offers");
  if (results.size() != offers.size()) throw UnavailableError("trip-service offers answered a different count");
  std::vector<OfferResult> out;
  out.reserve(results.size());
  for (const auto& v : results) {
    const auto* outcome = v.is_object() ? v.get_object().if_contains("outcome") : nullptr;
    if (outcome == nullptr || !outcome->is_string()) {
      throw UnavailableError("trip-service offers answered a result without an outcome");
    }
    out.push_back(offer_result(outcome->get_string()));
  }
  co_return out;
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
