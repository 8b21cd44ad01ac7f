#include "trip/lifecycle/trip.hpp"

#include "core/base/json_value.hpp"

#include <array>

namespace uitgo::trip {
namespace {

constexpr std::array<std::pair<Status, std::string_view>, 6> kNames{{{Status::requested, "requested"},
                                                                     {Status::accepted, "accepted"},
                                                                     {Status::arriving, "arriving"},
                                                                     {Status::in_ride, "in_ride"},
                                                                     {Status::completed, "completed"},
                                                                     {Status::cancelled, "cancelled"}}};

}  // namespace

std::string_view to_string(Status status) {
  for (const auto& [s, name] : kNames) {
    if (s == status) return name;
  }
  return "unknown";
}

std::optional<Status> parse_status(std::string_view text) {
  for (const auto& [s, name] : kNames) {
    if (name == text) return s;
  }
  return std::nullopt;
}

bool is_terminal(Status status) { return status == Status::completed || status == Status::cancelled; }

boost::json::object public_json(const Trip& t) {
  boost::json::object o;
  o["id"] = t.id;
  o["riderId"] = t.rider_id;
  o["driverId"] = json::nullable(t.driver_id);
  o["status"] = to_string(t.status);
  o["originText"] = t.origin_text;
  o["destText"] = t.dest_text;
  o["serviceId"] = t.service_id;
  o["originLat"] = json::nullable(t.origin_lat);
  o["originLng"] = json::nullable(t.origin_lng);
  o["destLat"] = json::nullable(t.dest_lat);
  o["destLng"] = json::nullable(t.dest_lng);
  o["fareEstimate"] = json::nullable(t.fare_estimate);
  o["cancelReason"] = json::nullable(t.cancel_reason);
  o["createdAt"] = t.created_at;
  o["updatedAt"] = t.updated_at;
  o["lastLocation"] = nullptr;  // live tracking fills this in
  return o;
}

}  // namespace uitgo::trip
