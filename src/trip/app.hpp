// trip-service's parts, built once per process and shared by its routes:
// settings, the driver-service client, the match queue (async mode), the
// outbox relay, the inline matcher (sync mode), the use cases, and a
// maintenance loop (gauges, pruning, the offer-expiry backstop).
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "core/base/config.hpp"
#include "core/http/client.hpp"
#include "core/pg/pool.hpp"
#include "core/redis/client.hpp"
#include "core/service/runtime.hpp"
#include "queue/match_queue.hpp"
#include "trip/outbox.hpp"
#include "trip/read_routing.hpp"
#include "trip/sync_match.hpp"
#include "trip/trips.hpp"

namespace uitgo::trip {

// MATCHING_MODE, DRIVER_SERVICE_URL, DRIVER_SERVICE_TIMEOUT_MS,
// MATCH_SYNC_TIMEOUT_MS, OUTBOX_*, IDEMPOTENCY_KEY_TTL_HOURS,
// OFFER_EXPIRY_BACKSTOP_SECONDS, TRIP_MAINTENANCE_MS,
// TRIP_FAULT_CRASH_AFTER_COMMIT, plus queue::queue_spec().
config::Spec settings_spec();

struct Settings {
  bool async_mode = true;
  std::string driver_service_url;
  Millis driver_service_timeout{2000};
  Millis sync_timeout{3000};
  RelaySettings relay;
  std::int64_t outbox_retention_hours = 24;
  std::int64_t idempotency_ttl_hours = 24;
  std::int64_t offer_backstop_seconds = 60;
  Millis maintenance_interval{5000};
  bool crash_after_commit = false;
  static Settings from(const config::Values& config);
};

struct TripApp {
  // `replica`: the TRIP_DB_REPLICA_DSN pool, or null.
  TripApp(service::Runtime& runtime, pg::Pool& db, pg::Pool* replica, redis::Client& redis,
          const std::string& internal_token);
  ~TripApp();

  Settings settings;
  pg::Pool& db;
  http::Client driver_service;
  std::unique_ptr<queue::MatchQueue> queue;  // async mode only
  OutboxRelay relay;
  SyncMatcher sync;
  ReadRouting reads;  // replica or primary, per read (also for live-tracking reads)
  Trips trips;

  // The maintenance loop (started and stopped by install()).
  awaitable<void> maintain(metrics::Registry& metrics);
  awaitable<void> maintenance_pass(metrics::Registry& metrics, bool prune);
  std::atomic<bool> stopping{false};
  std::atomic<bool> maintenance_running{false};
  std::unique_ptr<asio::steady_timer> maintenance_timer;
};

// Routes (routes.cpp), relay deliveries, start and stop steps.
void install(service::Runtime& runtime, std::shared_ptr<TripApp> app);
void add_routes(http::Router& router, std::shared_ptr<TripApp> app);

}  // namespace uitgo::trip
