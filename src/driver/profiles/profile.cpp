#include "driver/profiles/profile.hpp"

#include <cmath>

#include "core/base/json_value.hpp"
#include "core/base/time.hpp"

namespace uitgo::driver {
namespace {

boost::json::value optional_text(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return boost::json::value(*s);
}

// Centimetre precision is plenty for a distance shown to riders.
double rounded_distance(double meters) { return std::round(meters * 100.0) / 100.0; }

boost::json::value vehicle_json(const std::optional<Vehicle>& vehicle, const boost::json::storage_ptr& sp = {}) {
  if (!vehicle) return boost::json::value(nullptr, sp);
  return vehicle->to_json(sp);
}

}  // namespace

boost::json::object Vehicle::to_json(const boost::json::storage_ptr& sp) const {
  return boost::json::object({{"make", json::nullable(make, sp)},
                              {"model", json::nullable(model, sp)},
                              {"color", json::nullable(color, sp)},
                              {"year", json::nullable(year, sp)},
                              {"plateNumber", json::nullable(plate_number, sp)}},
                             sp);
}

boost::json::object Profile::to_json() const {
  boost::json::value where = nullptr;
  if (location) {
    where = boost::json::object{
        {"lat", location->lat}, {"lng", location->lng}, {"recordedAt", format_rfc3339_ms(location->recorded_at_ms)}};
  }
  return {{"id", id},
          {"userId", id},
          {"fullName", full_name},
          {"phone", phone},
          {"licenseNumber", license_number},
          {"avatarUrl", optional_text(avatar_url)},
          {"rating", rating},
          {"vehicle", vehicle_json(vehicle)},
          {"vehicleType", optional_text(vehicle_type)},
          {"status", {{"availability", online ? "online" : "offline"}, {"updatedAt", status_updated_at}}},
          {"location", std::move(where)},
          {"createdAt", created_at},
          {"updatedAt", updated_at}};
}

boost::json::object Profile::status_json() const {
  auto o = to_json();
  o["availability"] = online ? "online" : "offline";
  o["updatedAt"] = status_updated_at;
  return o;
}

boost::json::object Nearby::to_json(const boost::json::storage_ptr& sp) const {
  return boost::json::object({{"id", driver->id},
                              {"fullName", driver->full_name},
                              {"rating", driver->rating},
                              {"vehicle", vehicle_json(driver->vehicle, sp)},
                              {"location",
                               {{"lat", fix.lat},
                                {"lng", fix.lng},
                                {"recordedAt", format_rfc3339_ms(fix.recorded_at_ms)},
                                {"distanceMeters", rounded_distance(distance_meters)}}}},
                             sp);
}

}  // namespace uitgo::driver
