// What driver-service knows about a driver, and its public JSON views.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace uitgo::driver {

// Every field may be missing: the original driver app registers with a
// partial vehicle (and never a year).
struct Vehicle {
  std::optional<std::string> make;
  std::optional<std::string> model;
  std::optional<std::string> color;
  std::optional<int> year;
  std::optional<std::string> plate_number;
  // {make, model, color, year, plateNumber}, null when missing; `sp`: where its memory comes from.
  boost::json::object to_json(const boost::json::storage_ptr& sp = {}) const;
};

struct Fix {
  double lat = 0;
  double lng = 0;
  std::int64_t recorded_at_ms = 0;  // when the server received the ping
};

struct Profile {
  std::string id;
  std::string full_name;
  std::string phone;
  std::string license_number;
  std::optional<std::string> avatar_url;
  double rating = 5.0;
  std::optional<Vehicle> vehicle;           // nullopt: registered without one
  std::optional<std::string> vehicle_type;  // free text from the driver app, e.g. "Xe máy"
  bool online = false;
  std::string status_updated_at;  // RFC 3339
  std::optional<std::string> current_trip_id;
  std::optional<Fix> location;
  std::string created_at;
  std::string updated_at;

  // {id, userId (= id: the driver id is the account's user id), fullName,
  //  phone, licenseNumber, avatarUrl, rating, vehicle{...} | null, vehicleType,
  //  status{availability, updatedAt}, location{lat, lng, recordedAt} | null, createdAt, updatedAt}
  boost::json::object to_json() const;
  // PATCH /v1/drivers/{id}/status: to_json() plus top-level availability and
  // updatedAt (what the driver app reads from this answer).
  boost::json::object status_json() const;
};

// An online (or reserved) driver as the Redis index is rebuilt from it.
struct WarmEntry {
  std::string id;
  bool online = false;
  std::optional<std::string> current_trip_id;
  std::optional<Fix> fix;  // only when recorded at or after the cut-off
  // Set when online without a position since going online: drivers.free_since.
  std::optional<std::int64_t> unlocated_since_ms;
};

// The part of a profile search results carry.
struct Summary {
  std::string id;
  std::string full_name;
  double rating = 5.0;
  std::optional<Vehicle> vehicle;
};

// One search result: {id, fullName, rating, vehicle, location{lat, lng, recordedAt, distanceMeters}}.
struct Nearby {
  std::shared_ptr<const Summary> driver;  // never null; shared with the summary cache, not copied per search
  Fix fix;
  double distance_meters = 0;
  // `sp`: where its memory comes from (the search answer's arena).
  boost::json::object to_json(const boost::json::storage_ptr& sp = {}) const;
};

}  // namespace uitgo::driver
