// trip-service's internal API as typed calls (the matcher and the reservation
// audit in driver-service use it). Every path, body and answer of these
// contracts lives here and in internal_trip.hpp; trip-service's handlers
// (src/trip/matching/internal_handlers.cpp) answer them.
//
//   GET  /internal/trips/{id}                       → 200 InternalTrip | 404
//   POST /internal/trips/{id}/offer {driverId, attempt}
//        → 200 {...InternalTrip without offers, "created": true|false}
//          (false: the trip already is this driver's: a redelivered event)
//          409 {code: offer_pending | driver_excluded | trip_closed | conflict} | 404
//   POST /internal/trips/{id}/offer-expired {driverId}
//        → 200 {..., "expired": true|false, "offerOutcome"} | 409 offer_not_pending | 404
//   POST /internal/trips/{id}/cancel {reason}       → 200 trip | 409 invalid_transition | 404
//   POST /internal/trips/lookup {ids: [..]}         → 200 {trips: [InternalTrip]} (unknown ids left out)
//   POST /internal/trips/offers {offers: [{tripId, driverId, attempt}]}
//        → 200 {results: [{tripId, outcome}]}, in order, all in one transaction;
//          outcome: created | already_yours | the 409/404 code of the single offer
//   (batches hold 1 to 100 items)
//
// Answers outside these throw UnavailableError; TimeoutError when the deadline passes.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/async.hpp"
#include "core/http/client.hpp"
#include "peers/internal_trip.hpp"

namespace uitgo::peers {

enum class OfferResult {
  made,             // the offer is pending for this driver now
  already_yours,    // it already was (a retried call): keep the reservation
  driver_excluded,  // this driver was offered this trip before: try another
  closed,           // the trip needs no driver (ended, another offer pending, gone)
};

enum class ExpiryResult { expired_now, already_ended, accepted, unknown };
enum class CancelResult { cancelled, too_late, unknown };

class TripClient {
 public:
  TripClient(asio::any_io_executor executor, http::ClientOptions options);

  // nullopt: no such trip.
  awaitable<std::optional<InternalTrip>> get(const std::string& trip_id, const std::string& request_id);
  awaitable<OfferResult> offer(const std::string& trip_id, const std::string& driver_id, int attempt,
                               const std::string& request_id);
  // Several trips in one call; unknown ones are absent from the map.
  awaitable<std::map<std::string, InternalTrip>> lookup(const std::vector<std::string>& trip_ids,
                                                        const std::string& request_id);
  struct OfferItem {
    std::string trip_id;
    std::string driver_id;
    int attempt = 1;
  };
  // One result per item, in order.
  awaitable<std::vector<OfferResult>> offer_many(const std::vector<OfferItem>& offers, const std::string& request_id);
  awaitable<ExpiryResult> expire_offer(const std::string& trip_id, const std::string& driver_id,
                                       const std::string& request_id);
  awaitable<CancelResult> cancel_unmatched(const std::string& trip_id, const std::string& reason,
                                           const std::string& request_id);

 private:
  awaitable<http::ClientResponse> post(const std::string& target, const std::string& body,
                                       const std::string& request_id);

  std::unique_ptr<http::Client> http_;
};

}  // namespace uitgo::peers
