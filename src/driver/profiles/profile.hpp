// What driver-service knows about a driver, and its public JSON views.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace uitgo::driver {

struct Vehicle {
  std::string make;
  std::string model;
  std::string color;
  int year = 0;
  std::string plate_number;
  boost::json::object to_json() const;  // {make, model, color, year, plateNumber}
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
  Vehicle vehicle;
  bool online = false;
  std::string status_updated_at;  // RFC 3339
  std::optional<std::string> current_trip_id;
  std::optional<Fix> location;
  std::string created_at;
  std::string updated_at;

  // {id, fullName, phone, licenseNumber, avatarUrl, rating, vehicle{...},
  //  status{availability, updatedAt}, location{lat, lng, recordedAt} | null, createdAt, updatedAt}
  boost::json::object to_json() const;
};

// An online (or reserved) driver as the Redis index is rebuilt from it.
struct WarmEntry {
  std::string id;
  bool online = false;
  std::optional<std::string> current_trip_id;
  std::optional<Fix> fix;  // only when recorded at or after the cut-off
};

// The part of a profile search results carry.
struct Summary {
  std::string id;
  std::string full_name;
  double rating = 5.0;
  Vehicle vehicle;
};

// One search result: {id, fullName, rating, vehicle, location{lat, lng, recordedAt, distanceMeters}}.
struct Nearby {
  Summary driver;
  Fix fix;
  double distance_meters = 0;
  boost::json::object to_json() const;
};

}  // namespace uitgo::driver
