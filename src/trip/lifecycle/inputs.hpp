// trip-service's request bodies and parameters, parsed and validated before
// anything is written (every failure is a 400 naming the field). Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/json_body.hpp"
#include "trip/lifecycle/trip.hpp"

namespace uitgo::trip {

inline constexpr int kListDefaultLimit = 20;
inline constexpr int kListMaxLimit = 100;
inline constexpr std::size_t kTextMax = 500;
inline constexpr std::size_t kServiceIdMax = 50;
inline constexpr std::size_t kIdempotencyKeyMax = 255;
inline constexpr std::size_t kReasonMax = 200;

// POST /v1/trips: originText and destText 1..500 characters (surrounding
// whitespace trimmed); serviceId 1..50 of [A-Za-z0-9._-] (bike, car, car7 are
// priced, see fare.hpp; others are accepted and priced like car);
// originLat/originLng and destLat/destLng optional, but each pair complete,
// finite and in range; riderId (a UUID) only for an admin booking for a rider.
struct CreateTripRequest {
  std::optional<std::string> rider_id;
  std::string origin_text;
  std::string dest_text;
  std::string service_id;
  std::optional<double> origin_lat;
  std::optional<double> origin_lng;
  std::optional<double> dest_lat;
  std::optional<double> dest_lng;

  static CreateTripRequest from_json(const json::Fields& f);
  // A stable text of the normalized request: equal requests, equal text.
  std::string canonical() const;
  // SHA-256 (hex) of canonical(): what an Idempotency-Key is bound to.
  std::string fingerprint() const;
};

// POST|PATCH /v1/trips/{id}/status: {status, reason?}. reason (1..200) is
// kept as cancelReason when status is cancelled.
struct StatusRequest {
  Status status = Status::requested;
  std::optional<std::string> reason;
  static StatusRequest from_json(const json::Fields& f);
};

// GET /v1/trips ?limit (default 20, clamped to 1..100) &offset (default 0,
// negative → 0) &status (one status or a comma-separated list). The rider
// app pages instead: ?page (1-based) &pageSize (clamped like limit; absent →
// limit or its default) set limit = pageSize and offset = (page-1)*pageSize,
// and offset is then ignored. A limit, offset or pageSize that is not an
// integer, a page that is not an integer >= 1, or an unknown status, is 400.
struct ListQuery {
  int limit = kListDefaultLimit;
  long long offset = 0;
  std::vector<Status> statuses;
  static ListQuery parse(std::optional<std::string_view> limit, std::optional<std::string_view> offset,
                         std::optional<std::string_view> status, std::optional<std::string_view> page = std::nullopt,
                         std::optional<std::string_view> page_size = std::nullopt);
};

// The Idempotency-Key header: absent → nullopt; otherwise 1..255 printable
// ASCII characters (400 naming "Idempotency-Key").
std::optional<std::string> parse_idempotency_key(std::optional<std::string_view> header);

// Internal bodies (the matcher's calls).
struct OfferRequest {  // {driverId, attempt?}
  std::string driver_id;
  int attempt = 1;
  static OfferRequest from_json(const json::Fields& f);
};
// The matcher's batches: at most kMaxBatch items per call.
inline constexpr std::size_t kMaxBatch = 100;
struct OffersRequest {  // {offers: [{tripId, driverId, attempt?}]}
  struct Item {
    std::string trip_id;
    OfferRequest offer;
  };
  std::vector<Item> offers;
  static OffersRequest from_json(const json::Fields& f);
};
struct LookupRequest {  // {ids: [tripId]}
  std::vector<std::string> ids;
  static LookupRequest from_json(const json::Fields& f);
};
struct DriverRequest {  // {driverId}
  std::string driver_id;
  static DriverRequest from_json(const json::Fields& f);
};
struct CancelRequest {  // {reason}: a token, e.g. no_driver
  std::string reason;
  static CancelRequest from_json(const json::Fields& f);
};

}  // namespace uitgo::trip
