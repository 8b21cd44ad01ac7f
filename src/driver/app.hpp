// driver-service's parts, built once per process and shared by its routes
// (routes.cpp) and background tasks: settings, the profile store and its
// summary cache, the Redis
// index and its upkeep, search, the location history writer, the
// trip-service client, the matcher workers and the reservation audit.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/base/config.hpp"
#include "core/base/log.hpp"
#include "core/base/metrics.hpp"
#include "core/pg/pool.hpp"
#include "core/redis/client.hpp"
#include "core/service/runtime.hpp"
#include "driver/index/driver_index.hpp"
#include "driver/index/index_maintenance.hpp"
#include "driver/location/location_writer.hpp"
#include "driver/profiles/profile_store.hpp"
#include "driver/profiles/summary_cache.hpp"
#include "driver/search/search.hpp"
#include "peers/trip_client.hpp"

namespace uitgo::driver {

class Matcher;
class ReservationAudit;

// DRIVER_SEARCH, DRIVER_STALE_SECONDS, DRIVER_SWEEP_MS, LOCATION_FLUSH_MS,
// LOCATION_BATCH_SIZE, LOCATION_BUFFER_MAX.
config::Spec settings_spec();

struct Settings {
  std::string search_mode = "geo";    // geo | sql
  bool match_unlocated = true;        // MATCH_UNLOCATED_DRIVERS (declared in matcher_spec)
  double match_radius_meters = 3000;  // MATCH_RADIUS_METERS (declared in matcher_spec)
  std::chrono::seconds stale_after{30};
  Millis sweep_interval{1000};
  WriterSettings writer;
  static Settings from(const config::Values& config);
};

struct DriverApp {
  DriverApp(service::Runtime& runtime, pg::Pool& db, redis::Client& redis, const std::string& internal_token);
  ~DriverApp();
  DriverApp(const DriverApp&) = delete;
  DriverApp& operator=(const DriverApp&) = delete;

  Settings settings;
  ProfileStore profiles;
  SummaryCache summaries;
  DriverIndex index;
  std::unique_ptr<DriverSearch> search;
  LocationWriter writer;
  IndexMaintenance maintenance;
  peers::TripClient trips;
  std::unique_ptr<Matcher> matcher;
  std::unique_ptr<ReservationAudit> audit;

  // Reserves the driver for `trip_id` in Redis (atomically: only a free,
  // fresh driver) and records it in Postgres; a fresh reservation is undone
  // when Postgres fails (the failure propagates). False: not free, or no
  // profile in Postgres (deleted).
  awaitable<bool> reserve(const std::string& driver_id, const std::string& trip_id);
  // Ends the driver's reservation for `trip_id` in Redis and in Postgres
  // (each only if it holds that trip; a driver reserved for another trip is
  // untouched). Returns whether either held it.
  awaitable<bool> release_reservation(const std::string& driver_id, const std::string& trip_id);

  // `driver_id` may have become free (went online, or a reservation ended),
  // or moved, free, within reach of a waiting trip: wakes the waiting trip
  // nearest to it (Matcher::wake_for), within 500 ms.
  // Never throws: a failure is logged and the trip keeps its retry.
  awaitable<void> driver_freed(const std::string& driver_id);

  // A location ping whose GEO index update failed (Redis down) but was kept
  // for Postgres: counted, and logged at most every 10 s.
  void note_index_failure(const std::string& error);

 private:
  metrics::Counter& index_failures_;
  log::Throttle index_failure_warnings_{std::chrono::seconds(10)};
  log::Throttle wake_failure_warnings_{std::chrono::seconds(10)};
};

// Builds the app with its tasks on `runtime` and registers every route.
std::shared_ptr<DriverApp> install(service::Runtime& runtime, pg::Pool& db, redis::Client& redis,
                                   const std::string& internal_token);
void add_routes(http::Router& router, std::shared_ptr<DriverApp> app);

}  // namespace uitgo::driver
