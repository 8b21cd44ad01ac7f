// Whether a driver's reservation is still wanted, from trip-service's view of
// the trip (used by the reservation audit). Pure.
#pragma once

#include <optional>
#include <string>

#include "peers/internal_trip.hpp"

namespace uitgo::driver {

enum class ReservationVerdict {
  valid,    // the trip is open and its driverId is this driver
  orphan,   // no such trip, the trip ended, or it names another driver (or none)
  unknown,  // no clear answer (trip-service failing): ask again later
};

// `trip`: nullopt when trip-service does not know the trip.
ReservationVerdict judge_reservation(const std::optional<peers::InternalTrip>& trip, const std::string& driver_id);

}  // namespace uitgo::driver
