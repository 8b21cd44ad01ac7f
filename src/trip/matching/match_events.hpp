// What trip-service puts in the outbox for matching: the TripEvent of a trip
// (queue/trip_event.hpp) and the payload of a driver release.
#pragma once

#include <string>

#include "queue/trip_event.hpp"
#include "trip/lifecycle/trip.hpp"

namespace uitgo::trip {

// The event for the trip's current match attempt.
queue::TripEvent trip_event(const Trip& trip);

// driver_release rows: {"driverId", "tripId"}.
std::string release_payload(const std::string& driver_id, const std::string& trip_id);

struct ReleaseOrder {
  std::string driver_id;
  std::string trip_id;
};
// nullopt for a payload that is not that shape.
std::optional<ReleaseOrder> parse_release_payload(std::string_view payload);

}  // namespace uitgo::trip
