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

boost::json::value vehicle_json(const std::optional<Vehicle>& vehicle) {
  if (!vehicle) return nullptr;
  return vehicle->to_json();
}

}  // namespace

boost::json::object Vehicle::to_json() const {
  return {{"make", json::nullable(make)},
          {"model", json::nullable(model)},
          {"color", json::nullable(color)},
          {"year", json::nullable(year)},
          {"plateNumber", json::nullable(plate_number)}};
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

boost::json::object Nearby::to_json() const {
  return {{"id", driver.id},
          {"fullName", driver.full_name},
          {"rating", driver.rating},
          {"vehicle", vehicle_json(driver.vehicle)},
          {"location",
           {{"lat", fix.lat},
            {"lng", fix.lng},
            {"recordedAt", format_rfc3339_ms(fix.recorded_at_ms)},
            {"distanceMeters", rounded_distance(distance_meters)}}}};
}

}  // namespace uitgo::driver
