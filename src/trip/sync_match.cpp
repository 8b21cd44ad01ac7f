#include "trip/sync_match.hpp"

#include <boost/json/parse.hpp>

#include "core/base/errors.hpp"

namespace uitgo::trip {

std::string_view to_string(SyncOutcome outcome) {
  switch (outcome) {
    case SyncOutcome::assigned:
      return "assigned";
    case SyncOutcome::no_driver:
      return "no_driver";
    case SyncOutcome::not_open:
      return "not_open";
  }
  return "unknown";
}

SyncResult parse_sync_response(int status, std::string_view body) {
  if (status != 200) throw UnavailableError("driver-service /internal/match answered " + std::to_string(status));
  boost::system::error_code ec;
  const auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) throw UnavailableError("driver-service /internal/match: the answer is not JSON");
  const auto& o = value.as_object();
  const auto* outcome = o.if_contains("outcome");
  if (outcome == nullptr || !outcome->is_string()) {
    throw UnavailableError("driver-service /internal/match: the answer has no outcome");
  }
  const std::string_view text = outcome->get_string();
  if (text == "assigned") {
    const auto* driver = o.if_contains("driverId");
    if (driver == nullptr || !driver->is_string() || driver->get_string().empty()) {
      throw UnavailableError("driver-service /internal/match: assigned without a driverId");
    }
    return {SyncOutcome::assigned, std::string(driver->get_string())};
  }
  if (text == "no_driver") return {SyncOutcome::no_driver, std::nullopt};
  if (text == "not_open") return {SyncOutcome::not_open, std::nullopt};
  throw UnavailableError("driver-service /internal/match: unknown outcome '" + std::string(text) + "'");
}

awaitable<SyncResult> SyncMatcher::match(const queue::TripEvent& event, std::string request_id) {
  std::string method = "POST";
  std::string target = "/internal/match";
  std::string body = event.to_json();
  auto response =
      co_await client_.request(std::move(method), std::move(target), std::move(body), std::move(request_id), timeout_);
  co_return parse_sync_response(response.status, response.body);
}

}  // namespace uitgo::trip
