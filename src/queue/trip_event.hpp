// The message on the matching queue: what a matcher needs to find a driver
// for a trip. Published by trip-service's outbox relay, once when the trip is
// created (attempt 1) and again (attempt + 1) whenever an offer ends without
// an accepted driver (decline, offer timeout).
//
//   {"tripId": "<uuid>", "riderId": "<uuid>", "originLat": 10.77 | null,
//    "originLng": 106.69 | null, "serviceId": "car",
//    "createdAt": "2026-01-31T10:00:00.123Z", "createdAtMs": 1769853600123,
//    "attempt": 1}
//
// The event is a hint, not the state: matchers read the trip's current state
// from trip-service (GET /internal/trips/{id}) before acting, so duplicates
// and stale events are harmless.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace uitgo::queue {

struct TripEvent {
  std::string trip_id;
  std::string rider_id;
  std::optional<double> origin_lat;
  std::optional<double> origin_lng;
  std::string service_id;
  std::string created_at;  // RFC 3339 UTC
  std::int64_t created_at_ms = 0;
  int attempt = 1;

  std::string to_json() const;
  // Throws std::invalid_argument naming the problem (missing tripId, bad types...).
  static TripEvent from_json(std::string_view body);
};

}  // namespace uitgo::queue
