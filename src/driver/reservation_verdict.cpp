#include "driver/reservation_verdict.hpp"

#include <boost/json/parse.hpp>

namespace uitgo::driver {

ReservationVerdict judge_reservation(int status, const std::string& body, const std::string& driver_id) {
  if (status == 404) return ReservationVerdict::orphan;
  if (status != 200) return ReservationVerdict::unknown;
  boost::system::error_code ec;
  const auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return ReservationVerdict::unknown;
  const auto& o = value.as_object();
  const auto* trip_status = o.if_contains("status");
  if (trip_status == nullptr || !trip_status->is_string()) return ReservationVerdict::unknown;
  if (trip_status->as_string() == "completed" || trip_status->as_string() == "cancelled") {
    return ReservationVerdict::orphan;
  }
  const auto* driver = o.if_contains("driverId");
  const bool ours = driver != nullptr && driver->is_string() && driver->as_string() == driver_id;
  return ours ? ReservationVerdict::valid : ReservationVerdict::orphan;
}

}  // namespace uitgo::driver
