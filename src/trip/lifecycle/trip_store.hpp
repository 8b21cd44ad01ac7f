// TripStore: trip_db access, every statement trip-service runs on trips,
// offers and idempotency keys. Functions taking a pg::Tx& run inside the
// caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/base/async.hpp"
#include "core/pg/pool.hpp"
#include "trip/lifecycle/inputs.hpp"
#include "trip/lifecycle/trip.hpp"

namespace uitgo::trip {

struct NewTrip {
  std::optional<std::string> id;  // set when an Idempotency-Key reserved one
  std::string rider_id;
  CreateTripRequest request;
  std::optional<std::int64_t> fare_estimate;
};

// What the creating statement writes next to the trip: its first event and
// its match event (an outbox row).
struct TripOpening {
  std::string author_id;
  std::string author_role;
  std::string outbox_kind;
  std::string match_event;  // TripEvent JSON; Postgres adds tripId, createdAt, createdAtMs and attempt
  double outbox_delay_seconds = 0;
};

struct TripToCreate {
  NewTrip trip;
  TripOpening opening;
};

struct CreatedTrip {
  Trip trip;
  std::int64_t outbox_id = 0;  // the match event's outbox row
};

struct TripPage {
  std::vector<Trip> items;
  std::int64_t total = 0;
};

// Who sees which trips in a list: rider → their own, driver → assigned to
// them, admin → all (both filters empty).
struct ListFilter {
  std::optional<std::string> rider_id;
  std::optional<std::string> driver_id;
  std::vector<Status> statuses;
  int limit = 20;
  long long offset = 0;
};

// What happens to the row when its status changes.
struct StatusChange {
  Status from;
  Status to;
  std::optional<std::string> expected_driver;  // the driverId the decision was made on
  bool clear_driver = false;                   // a pending offer is withdrawn (cancel while requested)
  std::optional<std::string> cancel_reason;
};

struct IdempotencyClaim {
  bool fresh = true;         // the key is new: the trip id below is reserved for this request
  std::string trip_id;       // fresh: the id to create; otherwise the existing trip
  bool same_request = true;  // otherwise: the stored fingerprint matches this request
};

// A trip with what the matcher needs on top (its age, the offer age, every offer).
struct MatchingView {
  Trip trip;
  std::int64_t age_ms = 0;
  std::optional<std::int64_t> offer_age_ms;
  std::vector<Offer> offers;
};

class TripStore {
 public:
  // The trip with its opening rows, in one statement. Nothing when the rider
  // already holds `max_open` open trips (0 = no cap). Throws pg::QueryError
  // (unique violation of trips_open_slot_uidx) when a concurrent create took
  // the last slot first.
  static awaitable<std::optional<CreatedTrip>> insert(pg::Pool& db, const NewTrip& trip, const TripOpening& opening,
                                                      std::int64_t max_open);
  static awaitable<std::optional<CreatedTrip>> insert(pg::Tx& tx, const NewTrip& trip, const TripOpening& opening,
                                                      std::int64_t max_open);
  // insert() for several trips in one statement (one commit): for each item,
  // its trip, or nothing when its rider holds `max_open` open trips. With a
  // cap, two items of one rider must not share a call: both would take the
  // same slot (unique violation, nothing written).
  static awaitable<std::vector<std::optional<CreatedTrip>>> insert_many(pg::Pool& db,
                                                                        const std::vector<TripToCreate>& items,
                                                                        std::int64_t max_open);
  // The rider's newest open trip, if any.
  static awaitable<std::optional<std::string>> open_trip_of(pg::Pool& db, const std::string& rider_id);
  static awaitable<std::optional<std::string>> open_trip_of(pg::Tx& tx, const std::string& rider_id);
  static awaitable<std::optional<Trip>> find(pg::Pool& db, const std::string& id);
  static awaitable<std::optional<Trip>> find(pg::Tx& tx, const std::string& id);
  static awaitable<TripPage> list(pg::Pool& db, const ListFilter& filter);

  // Conditional UPDATE (id, status and driver as the decision saw them): an
  // empty result means another transition won the race.
  static awaitable<std::optional<Trip>> change_status(pg::Tx& tx, const std::string& id, const StatusChange& change);
  static awaitable<void> add_event(pg::Tx& tx, const std::string& trip_id, std::optional<Status> from, Status to,
                                   const std::string& actor_id, std::string_view actor_role,
                                   const std::optional<std::string>& reason);

  // Offers. offer(): sets driver_id + offered_at when the trip is requested,
  // has no driver and was never offered to this driver.
  static awaitable<std::optional<Trip>> offer(pg::Tx& tx, const std::string& id, const std::string& driver_id,
                                              int attempt);
  // offer() and record_offer() for several trips in one statement: the
  // offers made, each with its index in `items`.
  static awaitable<std::vector<std::pair<std::size_t, Trip>>> offer_many(pg::Tx& tx,
                                                                         const std::vector<OffersRequest::Item>& items);
  static awaitable<void> record_offer(pg::Tx& tx, const std::string& trip_id, const std::string& driver_id,
                                      int attempt);
  // Clears the pending offer of `driver_id` (decline, expiry) and counts a
  // new match attempt.
  static awaitable<std::optional<Trip>> end_offer(pg::Tx& tx, const std::string& id, const std::string& driver_id);
  static awaitable<void> resolve_offer(pg::Tx& tx, const std::string& trip_id, const std::string& driver_id,
                                       std::string_view outcome);
  static awaitable<std::optional<std::string>> offer_outcome(pg::Tx& tx, const std::string& trip_id,
                                                             const std::string& driver_id);
  static awaitable<std::optional<MatchingView>> internal(pg::Pool& db, const std::string& id);
  // The same for several trips in two queries; unknown ids are left out.
  static awaitable<std::vector<MatchingView>> internal_many(pg::Pool& db, const std::vector<std::string>& ids);
  // Requested trips whose offer is older than `seconds` (the expiry backstop).
  static awaitable<std::vector<std::pair<std::string, std::string>>> stale_offers(pg::Pool& db, std::int64_t seconds,
                                                                                  int limit);

  // Idempotency-Key: INSERT ... ON CONFLICT DO NOTHING; a conflict waits for
  // the other request's transaction and then reads its row.
  static awaitable<IdempotencyClaim> claim_key(pg::Tx& tx, const std::string& rider_id, const std::string& key,
                                               const std::string& fingerprint);
  static awaitable<std::int64_t> prune_keys(pg::Pool& db, std::int64_t older_than_hours);
};

}  // namespace uitgo::trip
