#include "driver/profiles/profile.hpp"

#include <cmath>

#include "core/base/time.hpp"

namespace uitgo::driver {
namespace {

boost::json::value optional_text(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return boost::json::value(*s);
}

// Centimetre precision is plenty for a distance shown to riders.
double rounded_distance(double meters) { return std::round(meters * 100.0) / 100.0; }

}  // namespace

boost::json::object Vehicle::to_json() const {
  return {{"make", make}, {"model", model}, {"color", color}, {"year", year}, {"plateNumber", plate_number}};
}

boost::json::object Profile::to_json() const {
  boost::json::value where = nullptr;
  if (location) {
    where = boost::json::object{
        {"lat", location->lat}, {"lng", location->lng}, {"recordedAt", format_rfc3339_ms(location->recorded_at_ms)}};
  }
  return {{"id", id},
          {"fullName", full_name},
          {"phone", phone},
          {"licenseNumber", license_number},
          {"avatarUrl", optional_text(avatar_url)},
          {"rating", rating},
          {"vehicle", vehicle.to_json()},
          {"status", {{"availability", online ? "online" : "offline"}, {"updatedAt", status_updated_at}}},
          {"location", std::move(where)},
          {"createdAt", created_at},
          {"updatedAt", updated_at}};
}

boost::json::object Nearby::to_json() const {
  return {{"id", driver.id},
          {"fullName", driver.full_name},
          {"rating", driver.rating},
          {"vehicle", driver.vehicle.to_json()},
          {"location",
           {{"lat", fix.lat},
            {"lng", fix.lng},
            {"recordedAt", format_rfc3339_ms(fix.recorded_at_ms)},
            {"distanceMeters", rounded_distance(distance_meters)}}}};
}

}  // namespace uitgo::driver
