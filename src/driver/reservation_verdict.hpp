// Whether a driver's reservation is still wanted, from trip-service's answer
// to GET /internal/trips/{tripId} (used by the reservation audit).
#pragma once

#include <string>

namespace uitgo::driver {

enum class ReservationVerdict {
  valid,    // the trip is open and its driverId is this driver
  orphan,   // no such trip, the trip ended, or it names another driver (or none)
  unknown,  // no clear answer (error status, malformed body): ask again later
};

ReservationVerdict judge_reservation(int status, const std::string& body, const std::string& driver_id);

}  // namespace uitgo::driver
