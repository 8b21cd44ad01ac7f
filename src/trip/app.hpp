// trip-service's parts, built once per process and shared by its routes
// (routes.cpp) and background tasks: settings, the driver-service client, the
// match queue (async mode), the outbox relay, read routing, the use cases
// (lifecycle, offers, sync matching) and live tracking.
#pragma once

#include <memory>
#include <string>

#include "core/base/config.hpp"
#include "core/base/faults.hpp"
#include "core/pg/pool.hpp"
#include "core/redis/client.hpp"
#include "core/service/runtime.hpp"
#include "peers/driver_client.hpp"
#include "peers/user_client.hpp"
#include "queue/match_queue.hpp"
#include "trip/lifecycle/trip_changes.hpp"
#include "trip/lifecycle/trips.hpp"
#include "trip/live/live_tracking.hpp"
#include "trip/matching/dispatch.hpp"
#include "trip/matching/match_sweep.hpp"
#include "trip/matching/offers.hpp"
#include "trip/matching/outbox.hpp"
#include "trip/matching/sync_matching.hpp"
#include "trip/reads/read_routing.hpp"
#include "trip/routing/directions.hpp"

namespace uitgo::trip {

// MATCHING_MODE, MATCH_SYNC_TIMEOUT_MS, MATCH_REDRIVE_SECONDS,
// MATCH_REDRIVE_BATCH, MATCH_SWEEP_SECONDS, OUTBOX_*,
// IDEMPOTENCY_KEY_TTL_HOURS, OFFER_EXPIRY_BACKSTOP_SECONDS,
// TRIP_MAINTENANCE_MS, plus queue::queue_spec() and faults_spec()
// (fault points crash_after_commit: exit after a new trip or a completion
// commits; publish_twice: every match event and trip settlement sent twice).
config::Spec settings_spec();

struct Settings {
  bool async_mode = true;
  Millis sync_timeout{3000};
  RelaySettings relay;
  std::int64_t outbox_retention_hours = 24;
  std::int64_t idempotency_ttl_hours = 24;
  std::int64_t offer_backstop_seconds = 60;
  Millis maintenance_interval{5000};
  SweepSettings sweep;
  Faults faults;
  std::int64_t max_open_trips = 1;
  InsertBatchSettings create_batch;  // CREATE_BATCH, CREATE_BATCHES_IN_FLIGHT
  static Settings from(const config::Values& config);
};

struct TripApp {
  // `replica`: the TRIP_DB_REPLICA_DSN pool, or null.
  TripApp(service::Runtime& runtime, pg::Pool& db, pg::Pool* replica, redis::Client& redis,
          const std::string& internal_token);
  ~TripApp();
  TripApp(const TripApp&) = delete;
  TripApp& operator=(const TripApp&) = delete;

  Settings settings;
  pg::Pool& db;
  peers::DriverClient drivers;
  std::unique_ptr<queue::MatchQueue> queue;  // async mode only
  OutboxRelay relay;
  ReadRouting reads;  // replica or primary, per read (also for live-tracking reads)
  TripChanges changes;
  Lifecycle trips;
  Offers offers;
  SyncMatching sync;
  MatchSweep sweep;
  std::unique_ptr<LiveTracking> live;
  std::unique_ptr<peers::UserClient> users;  // built by install()
  std::unique_ptr<Dispatch> dispatch;
  std::unique_ptr<Directions> directions;
};

// Builds the app, its outbox deliveries and its background tasks on `runtime`,
// and registers every route (routes.cpp).
std::shared_ptr<TripApp> install(service::Runtime& runtime, pg::Pool& db, pg::Pool* replica, redis::Client& redis,
                                 const std::string& internal_token);
void add_routes(http::Router& router, std::shared_ptr<TripApp> app);

}  // namespace uitgo::trip
