// A trip as trip-service stores and shows it, and its public JSON shape.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace uitgo::trip {

// requested → (matcher offers a driver, driverId set) → accepted → arriving →
// in_ride → completed; cancelled from requested, accepted or arriving.
enum class Status { requested, accepted, arriving, in_ride, completed, cancelled };

std::string_view to_string(Status status);
std::optional<Status> parse_status(std::string_view text);
bool is_terminal(Status status);  // completed, cancelled

struct Trip {
  std::string id;
  std::string rider_id;
  std::optional<std::string> driver_id;  // the offered driver while requested, then the assigned one
  Status status = Status::requested;
  std::string origin_text;
  std::string dest_text;
  std::string service_id;
  std::optional<double> origin_lat;
  std::optional<double> origin_lng;
  std::optional<double> dest_lat;
  std::optional<double> dest_lng;
  std::optional<std::int64_t> fare_estimate;  // VND
  std::optional<std::string> cancel_reason;
  std::string created_at;  // RFC 3339 UTC
  std::string updated_at;
  std::int64_t created_at_ms = 0;
  std::optional<std::string> offered_at;  // when the pending offer was made
  int match_attempt = 1;                  // 1 + offers that ended without an accepted driver
};

// The SPEC's trip: {id, riderId, driverId, status, originText, destText,
// serviceId, originLat, originLng, destLat, destLng, fareEstimate,
// cancelReason, createdAt, updatedAt, lastLocation}; absent values are null.
boost::json::object public_json(const Trip& trip);

struct Offer {
  std::string driver_id;
  int attempt = 1;
  std::string outcome;  // pending | accepted | declined | expired | withdrawn
  std::string offered_at;
  std::optional<std::string> resolved_at;
};

}  // namespace uitgo::trip
