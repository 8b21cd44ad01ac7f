// driver-service's answer to POST /internal/match (MATCHING_MODE=sync, the
// baseline): trip-service asks it to match one trip before answering the rider.
//
//   POST DRIVER_SERVICE_URL/internal/match   body: the TripEvent (queue/trip_event.hpp)
//
// The matcher picks the nearest free driver (excluding the trip's excluded
// drivers), reserves it atomically and offers it through trip-service's
// POST /internal/trips/{id}/offer, all before answering 200 with one of:
//   {"outcome": "assigned", "driverId": "<uuid>"}   an offer is pending for driverId
//   {"outcome": "no_driver"}                        nobody free right now
//   {"outcome": "not_open"}                         the trip needs no driver (cancelled,
//                                                   an offer pending or accepted)
// Anything else (other status, malformed body, no answer in time) is a failure.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace uitgo::peers {

enum class MatchOutcome { assigned, no_driver, not_open };

std::string_view to_string(MatchOutcome outcome);

struct MatchAnswer {
  MatchOutcome outcome = MatchOutcome::no_driver;
  std::optional<std::string> driver_id;  // with assigned

  boost::json::object to_json() const;
  // Throws UnavailableError for anything that is not one of the three answers.
  static MatchAnswer parse(int status, std::string_view body);
};

}  // namespace uitgo::peers
