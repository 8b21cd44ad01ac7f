// The trip use cases: authorization, the state machine, offers, the outbox
// rows they write, all in one transaction per call. HTTP-free (routes.cpp
// turns requests into these calls); failures are HttpErrors with the SPEC's
// codes.
//
// Authorization (object level): a trip is visible to its rider, to its
// driver (the offered driver while requested, then the assigned one) and to
// admins. Anyone else gets 404, whether or not the trip exists.
//
// Offers: the matcher offers a driver (driverId set, status stays
// requested); the driver accepts (→ accepted) or declines; the matcher
// reports an unanswered offer (offer-expired). A declined or expired offer
// clears driverId, adds the driver to the trip's excluded drivers (never
// offered this trip again), counts a new match attempt and writes, in the
// same transaction, a driver_release row and a trip_match row (the re-match
// event, attempt + 1).
//
// Driver release: whenever a trip stops holding a driver — completed,
// cancelled with a driver, declined, expired — a driver_release row is
// written in the same transaction; the relay tells driver-service.
//
// Sync mode (MATCHING_MODE=sync): create() commits the trip (plus a trip_match
// row due only after MATCH_SYNC_TIMEOUT_MS + 5 s, as insurance should the
// process die before matching), calls driver-service inline, marks the row
// sent, and then: assigned / not_open → 201 with the trip as it is now;
// no_driver → the trip is cancelled (reason no_driver) and returned with 201;
// failure or timeout → the trip is cancelled (reason match_unavailable) and
// the request fails with 503.
#pragma once

#include <optional>
#include <string>

#include "core/base/metrics.hpp"
#include "core/http/request.hpp"
#include "core/pg/pool.hpp"
#include "queue/trip_event.hpp"
#include "trip/location_store.hpp"
#include "trip/outbox.hpp"
#include "trip/read_routing.hpp"
#include "trip/repository.hpp"
#include "trip/state_machine.hpp"
#include "trip/sync_match.hpp"

namespace uitgo::trip {

struct TripSettings {
  bool async_mode = true;
  // Test-only fault injection (TRIP_FAULT_CRASH_AFTER_COMMIT): _exit(1) right
  // after a new trip commits, before the relay is woken.
  bool crash_after_commit = false;
  Millis sync_timeout{3000};
};

struct CreateResult {
  Trip trip;
  bool replayed = false;  // an earlier request with the same Idempotency-Key made it
};

struct ExpiryResult {
  Trip trip;
  bool expired_now = false;  // this call ended the offer
  std::string outcome;       // the offer's outcome now: expired | declined | withdrawn
};

struct OfferResult {
  Trip trip;
  bool fresh = false;  // this call made the offer (false: it was already this driver's)
};

queue::TripEvent trip_event(const Trip& trip);

// Told about every committed trip change (status, offer, decline, expiry,
// cancel), after the commit. Live tracking publishes it to WebSocket clients.
// Failures are the listener's business: they never fail the use case.
class TripListener {
 public:
  virtual ~TripListener() = default;
  virtual awaitable<void> trip_changed(const Trip& trip) = 0;
};

class Trips {
 public:
  // Writes and internal reads use `db` (the primary); get() and list() go
  // through `reads`, and every write tells `reads` who must see it.
  Trips(pg::Pool& db, ReadRouting& reads, OutboxRelay& relay, SyncMatcher* sync, metrics::Registry& metrics,
        TripSettings settings);

  // Set once at start, before requests arrive; null = nobody listens.
  void set_listener(TripListener* listener) { listener_ = listener; }

  // Public API (the caller comes from the access token).
  awaitable<CreateResult> create(const http::Principal& caller, const CreateTripRequest& input,
                                 const std::optional<std::string>& idempotency_key, const std::string& request_id);
  awaitable<Trip> get(const http::Principal& caller, const std::string& id);
  awaitable<TripPage> list(const http::Principal& caller, const ListQuery& query);
  // The trip's last live location, read like the trip itself (the replica
  // when it may serve the caller). No authorization of its own: call it after
  // get() has allowed the caller to see the trip.
  awaitable<std::optional<LastLocation>> live_location(const http::Principal& caller, const std::string& id);
  awaitable<Trip> change_status(const http::Principal& caller, const std::string& id, const StatusRequest& input);
  awaitable<Trip> accept(const http::Principal& caller, const std::string& id);
  awaitable<Trip> decline(const http::Principal& caller, const std::string& id);

  // Internal API (the matcher).
  awaitable<InternalTrip> internal(const std::string& id);
  awaitable<OfferResult> offer(const std::string& id, const OfferRequest& input);
  awaitable<ExpiryResult> expire_offer(const std::string& id, const std::string& driver_id, const std::string& actor_id,
                                       std::string_view actor_role);
  awaitable<Trip> cancel_unmatched(const std::string& id, const std::string& reason, const std::string& actor_id,
                                   std::string_view actor_role);

  // The relay's delivery of trip_match rows in sync mode.
  awaitable<void> deliver_sync(const OutboxRow& row);
  // Expires offers older than `seconds` (backstop for a matcher that died
  // while an offer was pending). Returns how many.
  awaitable<int> expire_stale_offers(std::int64_t seconds);

 private:
  awaitable<CreateResult> match_inline(Trip trip, std::int64_t outbox_id, const std::string& request_id);

  pg::Pool& db_;
  ReadRouting& reads_;
  awaitable<void> announce(const Trip& trip);

  TripListener* listener_ = nullptr;
  OutboxRelay& relay_;
  SyncMatcher* sync_;
  metrics::Registry& metrics_;
  TripSettings settings_;
};

}  // namespace uitgo::trip
