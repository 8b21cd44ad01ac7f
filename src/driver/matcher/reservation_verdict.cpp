#include "driver/matcher/reservation_verdict.hpp"

namespace uitgo::driver {

ReservationVerdict judge_reservation(const std::optional<peers::InternalTrip>& trip, const std::string& driver_id) {
  if (!trip || trip->ended()) return ReservationVerdict::orphan;
  return trip->driver_id == driver_id ? ReservationVerdict::valid : ReservationVerdict::orphan;
}

}  // namespace uitgo::driver
