#include "trip/matching/match_events.hpp"
#include "core/base/json_text.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

namespace uitgo::trip {

queue::TripEvent trip_event(const Trip& trip) {
  queue::TripEvent e;
  e.trip_id = trip.id;
  e.rider_id = trip.rider_id;
  e.origin_lat = trip.origin_lat;
  e.origin_lng = trip.origin_lng;
  e.service_id = trip.service_id;
  e.created_at = trip.created_at;
  e.created_at_ms = trip.created_at_ms;
  e.attempt = trip.match_attempt;
  return e;
}

std::string release_payload(const std::string& driver_id, const std::string& trip_id) {
  return uitgo::json::to_text(boost::json::object{{"driverId", driver_id}, {"tripId", trip_id}});
}

std::optional<ReleaseOrder> parse_release_payload(std::string_view payload) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(payload, ec);
  if (ec || !value.is_object()) return std::nullopt;
  const auto& o = value.get_object();
  const auto* driver = o.if_contains("driverId");
  const auto* trip = o.if_contains("tripId");
  if (driver == nullptr || !driver->is_string() || trip == nullptr || !trip->is_string()) return std::nullopt;
  return ReleaseOrder{std::string(driver->get_string()), std::string(trip->get_string())};
}

}  // namespace uitgo::trip
