// Request bodies of driver-service, validated into typed structs. Every
// failure is 400 validation_failed naming the field (json::Fields).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/base/json_body.hpp"

namespace uitgo::driver {

// {make?, model?, color?, year?, plateNumber?}: every field optional (the
// original driver app sends only what its form has, and never a year); an
// empty or blank text counts as not given. Given values are checked.
struct VehicleInput {
  std::optional<std::string> make;
  std::optional<std::string> model;
  std::optional<std::string> color;
  std::optional<int> year;
  std::optional<std::string> plate_number;  // trimmed, upper-case: the stored form
  bool empty() const { return !make && !model && !color && !year && !plate_number; }
  static VehicleInput from_json(const json::Fields& f);
};

// POST /v1/drivers: {fullName, phone, licenseNumber, avatarUrl?, vehicleType?,
// vehicle?{make?, model?, color?, year?, plateNumber?}}. A vehicle with no
// field given is no vehicle.
struct ProfileInput {
  std::string full_name;
  std::string phone;
  std::string license_number;
  std::optional<std::string> avatar_url;
  std::optional<std::string> vehicle_type;
  std::optional<VehicleInput> vehicle;
  static ProfileInput from_json(const json::Fields& f);
};

// POST /internal/drivers: the same plus the account's id.
struct InternalProfileInput {
  std::string id;  // canonical lower-case UUID
  ProfileInput profile;
  static InternalProfileInput from_json(const json::Fields& f);
};

struct VehiclePatch {
  std::optional<std::string> make;
  std::optional<std::string> model;
  std::optional<std::string> color;
  std::optional<int> year;
  std::optional<std::string> plate_number;
};

// PATCH /v1/drivers/me: any subset of ProfileInput's fields. The driver app
// sends {fullName, phone, licenseNumber, vehicleType, avatar?}: `avatar` is a
// file path on the phone, which nobody else could load, so it is ignored.
struct ProfilePatch {
  std::optional<std::string> full_name;
  std::optional<std::string> phone;
  std::optional<std::string> license_number;
  std::optional<std::string> avatar_url;
  std::optional<std::string> vehicle_type;
  VehiclePatch vehicle;
  static ProfilePatch from_json(const json::Fields& f);
};

// PATCH /v1/drivers/{id}/status: {status: "online" | "offline"}.
struct StatusInput {
  bool online = false;
  static StatusInput from_json(const json::Fields& f);
};

// PUT /v1/drivers/me/location: {lat, lng, heading?, speedKmh?, recordedAt?}.
// lat is limited to what Redis GEO can index (±85.05112878).
struct LocationInput {
  double lat = 0;
  double lng = 0;
  std::optional<double> heading;    // degrees [0, 360]
  std::optional<double> speed_kmh;  // [0, 400]
  std::optional<std::int64_t> recorded_at_ms;
  static LocationInput from_json(const json::Fields& f);
};

// /internal/drivers/{id}/reserve and /release: {tripId}.
struct TripInput {
  std::string trip_id;  // canonical lower-case UUID
  static TripInput from_json(const json::Fields& f);
};

}  // namespace uitgo::driver
