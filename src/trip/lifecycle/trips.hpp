// The trip use cases of riders, drivers and admins: create, read, list and
// status changes. HTTP-free (lifecycle/handlers.cpp turns requests into these
// calls); refusals are DomainErrors. One transaction per call; what follows
// the commit is TripChanges's.
//
// Authorization (object level): a trip is visible to its rider, to its
// driver (the offered driver while requested, then the assigned one) and to
// admins. Anyone else gets 404, whether or not the trip exists.
//
// Driver release: whenever a trip stops holding a driver (completed, or
// cancelled with a driver) a driver_release row is written in the same
// transaction; the relay tells driver-service.
//
// Sync mode (MATCHING_MODE=sync): create() commits the trip plus a trip_match
// row due only after MATCH_SYNC_TIMEOUT_MS + 5 s (insurance should the process
// die before matching), then hands it to SyncMatching (matching/sync_matching.hpp).
#pragma once

#include "peers/user_client.hpp"

#include <optional>
#include <string>

#include "core/base/metrics.hpp"
#include "core/base/principal.hpp"
#include "core/pg/pool.hpp"
#include "trip/lifecycle/inputs.hpp"
#include "trip/lifecycle/insert_batcher.hpp"
#include "trip/lifecycle/trip_changes.hpp"
#include "trip/lifecycle/trip_store.hpp"
#include "trip/live/location_store.hpp"
#include "trip/reads/read_routing.hpp"

namespace uitgo::trip {

class SyncMatching;

struct LifecycleSettings {
  bool async_mode = true;
  // Fault point crash_after_commit (test only): the process ends right after
  // a new trip or a trip's completion commits, before the relay is woken.
  bool crash_after_commit = false;
  Millis sync_timeout{3000};
  // MAX_OPEN_TRIPS_PER_RIDER (0 = unlimited; LIFT_PER_USER_LIMITS lifts it).
  std::int64_t max_open_trips = 1;
  // Group commit of creates without an Idempotency-Key (insert_batcher.hpp).
  InsertBatchSettings batch;
};

struct CreateResult {
  Trip trip;
  bool replayed = false;  // an earlier request with the same Idempotency-Key made it
};

class Lifecycle {
 public:
  // Writes use `db` (the primary); get() and list() go through `reads`.
  // Batches of creates run on `executor`.
  Lifecycle(asio::any_io_executor executor, pg::Pool& db, ReadRouting& reads, TripChanges& changes,
            metrics::Registry& metrics, LifecycleSettings settings);

  // Sync mode only; set once at start.
  void set_sync_matching(SyncMatching* sync) { sync_ = sync; }
  // WALLET_REQUIRED=true: a trip is created only when the rider's wallet
  // covers its fare (402 insufficient_balance); the balance comes from
  // user-service within its deadline, and user-service unavailable is 503.
  void require_wallet(peers::UserClient* users) { wallet_ = users; }

  // The trip is the caller's; an admin's with input.rider_id is that rider's
  // (a dispatcher booking: matching/dispatch.hpp checks the rider first).
  awaitable<CreateResult> create(const Principal& caller, const CreateTripRequest& input,
                                 const std::optional<std::string>& idempotency_key, const std::string& request_id);
  awaitable<Trip> get(const Principal& caller, const std::string& id);
  awaitable<TripPage> list(const Principal& caller, const ListQuery& query);
  // The trip's last live location, read like the trip itself (the replica
  // when it may serve the caller). No authorization of its own: call it after
  // get() has allowed the caller to see the trip.
  awaitable<std::optional<LastLocation>> live_location(const Principal& caller, const std::string& id);
  awaitable<Trip> change_status(const Principal& caller, const std::string& id, const StatusRequest& input);

 private:
  struct Inserted;
  awaitable<Inserted> insert(const std::string& rider, const Principal& author, const CreateTripRequest& input,
                             const std::optional<std::string>& key);
  void count_transition(Status to, const Trip& trip);

  pg::Pool& db_;
  ReadRouting& reads_;
  TripChanges& changes_;
  SyncMatching* sync_ = nullptr;
  peers::UserClient* wallet_ = nullptr;
  metrics::Registry& metrics_;
  LifecycleSettings settings_;
  InsertBatcher batcher_;
};

// Histogram buckets of the matching delays (creation → offer, → acceptance).
std::vector<double> matching_buckets();

}  // namespace uitgo::trip
