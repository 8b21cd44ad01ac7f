// Offers: the matcher offers a driver (driverId set, status stays
// requested); the driver accepts (→ accepted) or declines; the matcher reports
// an unanswered offer (offer-expired), and trip-service expires offers nobody
// reported (the backstop). A declined or expired offer clears driverId, adds
// the driver to the trip's excluded drivers (never offered this trip again),
// counts a new match attempt and writes, in the same transaction, a
// driver_release row and a trip_match row (the re-match event, attempt + 1).
// The matcher also cancels a trip nobody took in time (cancel_unmatched).
//
// HTTP-free like lifecycle/trips.hpp; refusals are DomainErrors with the codes
// of the internal contract (peers/trip_client.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/metrics.hpp"
#include "core/base/principal.hpp"
#include "core/pg/pool.hpp"
#include "trip/lifecycle/inputs.hpp"
#include "trip/lifecycle/trip_changes.hpp"
#include "trip/lifecycle/trip_store.hpp"

namespace uitgo::trip {

struct OfferResult {
  Trip trip;
  bool fresh = false;  // this call made the offer (false: it was already this driver's)
};

struct ExpiryResult {
  Trip trip;
  bool expired_now = false;  // this call ended the offer
  std::string outcome;       // the offer's outcome now: expired | declined | withdrawn
};

class Offers {
 public:
  Offers(pg::Pool& db, TripChanges& changes, metrics::Registry& metrics);

  // The offered driver's answers (the caller comes from the access token).
  awaitable<Trip> accept(const Principal& caller, const std::string& id);
  awaitable<Trip> decline(const Principal& caller, const std::string& id);

  // The matcher's calls.
  awaitable<MatchingView> internal(const std::string& id);
  awaitable<std::vector<MatchingView>> internal_many(const std::vector<std::string>& ids);
  awaitable<OfferResult> offer(const std::string& id, const OfferRequest& input);
  // Several offers in ONE transaction; per item "created", "already_yours"
  // or the refusal code offer() would answer (driver_excluded, trip_closed,
  // offer_pending, conflict, not_found). One item's refusal does not undo
  // the others.
  awaitable<std::vector<std::string>> offer_many(const std::vector<OffersRequest::Item>& items);
  awaitable<ExpiryResult> expire_offer(const std::string& id, const std::string& driver_id, const std::string& actor_id,
                                       std::string_view actor_role);
  awaitable<Trip> cancel_unmatched(const std::string& id, const std::string& reason, const std::string& actor_id,
                                   std::string_view actor_role);

  // Expires offers older than `seconds` (backstop for a matcher that died
  // while an offer was pending). Returns how many.
  awaitable<int> expire_stale_offers(std::int64_t seconds);

 private:
  struct Refusal {
    std::string code;
    std::string message;
    std::optional<Trip> trip;  // already_yours: the trip as it is
  };
  awaitable<Refusal> why_not_offered(pg::Tx& tx, const std::string& id, const OfferRequest& input);
  awaitable<OfferResult> refuse_offer(pg::Tx& tx, const std::string& id, const OfferRequest& input);
  awaitable<void> offered(const Trip& trip, const OfferRequest& input);
  void count_outcome(std::string_view outcome);

  pg::Pool& db_;
  TripChanges& changes_;
  metrics::Registry& metrics_;
};

}  // namespace uitgo::trip
