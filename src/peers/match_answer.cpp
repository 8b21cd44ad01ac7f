#include "peers/match_answer.hpp"

#include <boost/json/parse.hpp>

#include "core/base/errors.hpp"

namespace uitgo::peers {

std::string_view to_string(MatchOutcome outcome) {
  switch (outcome) {
    case MatchOutcome::assigned:
      return "assigned";
    case MatchOutcome::no_driver:
      return "no_driver";
    case MatchOutcome::not_open:
      return "not_open";
  }
  return "unknown";
}

boost::json::object MatchAnswer::to_json() const {
  boost::json::object body{{"outcome", to_string(outcome)}};
  if (outcome == MatchOutcome::assigned && driver_id) body["driverId"] = *driver_id;
  return body;
}

MatchAnswer MatchAnswer::parse(int status, std::string_view body) {
  if (status != 200) throw UnavailableError("driver-service /internal/match answered " + std::to_string(status));
  boost::system::error_code ec;
  const auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) throw UnavailableError("driver-service /internal/match: the answer is not JSON");
  const auto& o = value.get_object();
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
    return {MatchOutcome::assigned, std::string(driver->get_string())};
  }
  if (text == "no_driver") return {MatchOutcome::no_driver, std::nullopt};
  if (text == "not_open") return {MatchOutcome::not_open, std::nullopt};
  throw UnavailableError("driver-service /internal/match: unknown outcome '" + std::string(text) + "'");
}

}  // namespace uitgo::peers
