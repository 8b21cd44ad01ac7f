#include "driver/profiles/inputs.hpp"

#include <algorithm>
#include <cctype>

#include "core/base/ids.hpp"
#include "core/base/time.hpp"
#include "driver/search/redis_geo.hpp"

namespace uitgo::driver {
namespace {

constexpr json::StringRule kName{.min_length = 1, .max_length = 100};
constexpr json::StringRule kPhone{.min_length = 6, .max_length = 20};
constexpr json::StringRule kLicense{.min_length = 1, .max_length = 50};
constexpr json::StringRule kUrl{.min_length = 1, .max_length = 2048};
constexpr json::StringRule kVehicleText{.min_length = 1, .max_length = 50};
constexpr json::StringRule kPlate{.min_length = 1, .max_length = 20};
constexpr json::StringRule kVehicleType{.min_length = 1, .max_length = 50};
constexpr std::int64_t kMinYear = 1950;
constexpr std::int64_t kMaxYear = 2100;

std::string trimmed(const std::string& s, const json::Fields& f, std::string_view field) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos)
    throw DomainError::invalid(f.qualified(field), f.qualified(field) + " must not be blank");
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

std::optional<std::string> optional_text(const json::Fields& f, std::string_view field, json::StringRule rule) {
  auto v = f.optional_string(field, rule);
  if (v) v = trimmed(*v, f, field);
  return v;
}

std::string required_text(const json::Fields& f, std::string_view field, json::StringRule rule) {
  return trimmed(f.required_string(field, rule), f, field);
}

// Vehicle texts: "" or blank means not given (the driver app's empty form fields).
std::optional<std::string> vehicle_text(const json::Fields& f, std::string_view field, json::StringRule rule) {
  auto v = f.optional_string(field, {.min_length = 0, .max_length = rule.max_length});
  if (!v || v->find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
  return trimmed(*v, f, field);
}

std::string checked_phone(const json::Fields& f, std::string phone) {
  const bool ok = std::all_of(phone.begin(), phone.end(), [](unsigned char c) {
    return std::isdigit(c) || c == '+' || c == ' ' || c == '-' || c == '(' || c == ')';
  });
  if (!ok) throw DomainError::invalid(f.qualified("phone"), "phone may contain only digits, spaces and + - ( )");
  return phone;
}

std::string checked_url(const json::Fields& f, std::string url) {
  if (!url.starts_with("https://") && !url.starts_with("http://")) {
    throw DomainError::invalid(f.qualified("avatarUrl"), "avatarUrl must be an http(s) URL");
  }
  if (std::any_of(url.begin(), url.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; })) {
    throw DomainError::invalid(f.qualified("avatarUrl"), "avatarUrl must not contain spaces or control characters");
  }
  return url;
}

std::string normalized_plate(const json::Fields& f, std::string plate) {
  std::transform(plate.begin(), plate.end(), plate.begin(), [](unsigned char c) { return std::toupper(c); });
  const bool ok = std::all_of(plate.begin(), plate.end(),
                              [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == ' '; });
  if (!ok)
    throw DomainError::invalid(f.qualified("plateNumber"),
                               "plateNumber may contain only letters, digits, spaces and - .");
  return plate;
}

}  // namespace

VehicleInput VehicleInput::from_json(const json::Fields& f) {
  VehicleInput v;
  v.make = vehicle_text(f, "make", kVehicleText);
  v.model = vehicle_text(f, "model", kVehicleText);
  v.color = vehicle_text(f, "color", kVehicleText);
  if (const auto year = f.optional_int("year", kMinYear, kMaxYear)) v.year = static_cast<int>(*year);
  if (auto plate = vehicle_text(f, "plateNumber", kPlate)) v.plate_number = normalized_plate(f, std::move(*plate));
  return v;
}

ProfileInput ProfileInput::from_json(const json::Fields& f) {
  ProfileInput p;
  p.full_name = required_text(f, "fullName", kName);
  p.phone = checked_phone(f, required_text(f, "phone", kPhone));
  p.license_number = required_text(f, "licenseNumber", kLicense);
  if (auto url = optional_text(f, "avatarUrl", kUrl)) p.avatar_url = checked_url(f, std::move(*url));
  p.vehicle_type = optional_text(f, "vehicleType", kVehicleType);
  if (const auto fields = f.optional_object("vehicle")) {
    auto vehicle = VehicleInput::from_json(*fields);
    if (!vehicle.empty()) p.vehicle = std::move(vehicle);
  }
  return p;
}

InternalProfileInput InternalProfileInput::from_json(const json::Fields& f) {
  InternalProfileInput in;
  in.id = f.required_uuid("id");
  in.profile = ProfileInput::from_json(f);
  return in;
}

ProfilePatch ProfilePatch::from_json(const json::Fields& f) {
  ProfilePatch p;
  p.full_name = optional_text(f, "fullName", kName);
  if (auto phone = optional_text(f, "phone", kPhone)) p.phone = checked_phone(f, std::move(*phone));
  p.license_number = optional_text(f, "licenseNumber", kLicense);
  if (auto url = optional_text(f, "avatarUrl", kUrl)) p.avatar_url = checked_url(f, std::move(*url));
  p.vehicle_type = optional_text(f, "vehicleType", kVehicleType);
  if (const auto v = f.optional_object("vehicle")) {
    const auto given = VehicleInput::from_json(*v);
    p.vehicle = {.make = given.make,
                 .model = given.model,
                 .color = given.color,
                 .year = given.year,
                 .plate_number = given.plate_number};
  }
  return p;
}

StatusInput StatusInput::from_json(const json::Fields& f) {
  const auto status = f.required_string("status", {.min_length = 1, .max_length = 16});
  if (status == "online") return {true};
  if (status == "offline") return {false};
  throw DomainError::invalid("status", "status must be \"online\" or \"offline\"");
}

LocationInput LocationInput::from_json(const json::Fields& f) {
  LocationInput in;
  in.lat = f.required_number("lat", -redis_geo::kMaxIndexedLatitude, redis_geo::kMaxIndexedLatitude);
  in.lng = f.required_longitude("lng");
  in.heading = f.optional_number("heading", 0, 360);
  in.speed_kmh = f.optional_number("speedKmh", 0, 400);
  if (const auto text = f.optional_string("recordedAt", {.min_length = 1, .max_length = 64})) {
    in.recorded_at_ms = parse_rfc3339_ms(*text);
    if (!in.recorded_at_ms) throw DomainError::invalid("recordedAt", "recordedAt must be an RFC 3339 timestamp");
  }
  return in;
}

TripInput TripInput::from_json(const json::Fields& f) { return {f.required_uuid("tripId")}; }

}  // namespace uitgo::driver
