// The trip as other services see it through GET /internal/trips/{id}: one type
// for both sides, so trip-service writes and the matcher and the reservation
// audit read the same fields.
//
//   {id, riderId, driverId, status, serviceId, originLat, originLng, destLat,
//    destLng, createdAt, createdAtMs, updatedAt, offeredAt, matchAttempt,
//    cancelReason, ageMs, offerAgeMs (null without a pending offer),
//    excludedDriverIds: [every driver this trip was ever offered to],
//    offers: [{driverId, attempt, outcome, offeredAt, resolvedAt}]}
//
// ageMs/offerAgeMs are computed by Postgres, so no clock skew between services
// matters. The answers of the offer calls carry the same fields (see
// trip_client.hpp) without the offers.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace uitgo::peers {

struct OfferView {
  std::string driver_id;
  int attempt = 1;
  std::string outcome;  // pending | accepted | declined | expired | withdrawn
  std::string offered_at;
  std::optional<std::string> resolved_at;
};

struct InternalTrip {
  std::string id;
  std::string rider_id;
  std::optional<std::string> driver_id;
  std::string status;
  std::string service_id;
  std::optional<double> origin_lat;
  std::optional<double> origin_lng;
  std::optional<double> dest_lat;
  std::optional<double> dest_lng;
  std::string created_at;
  std::int64_t created_at_ms = 0;
  std::string updated_at;
  std::optional<std::string> offered_at;
  int match_attempt = 1;
  std::optional<std::string> cancel_reason;
  std::int64_t age_ms = 0;
  std::optional<std::int64_t> offer_age_ms;
  std::vector<OfferView> offers;

  // Drivers this trip must never be offered to again (every one offered so far).
  std::set<std::string> excluded_drivers() const;
  bool ended() const { return status == "completed" || status == "cancelled"; }

  // The answers of the offer calls (`with_offers` false) leave out ageMs,
  // offerAgeMs, excludedDriverIds and offers.
  boost::json::object to_json(bool with_offers = true) const;
  // Throws UnavailableError when `body` is not this shape (a peer answering garbage).
  static InternalTrip from_json(std::string_view body);
  static InternalTrip from_object(const boost::json::object& object);
};

}  // namespace uitgo::peers
