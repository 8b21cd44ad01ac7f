// driver-service's parts, built once per process and shared by its routes.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/base/config.hpp"
#include "core/pg/pool.hpp"
#include "core/redis/client.hpp"
#include "core/service/runtime.hpp"
#include "driver/driver_index.hpp"
#include "driver/location_writer.hpp"
#include "driver/maintenance.hpp"
#include "driver/profiles.hpp"
#include "driver/search.hpp"

namespace uitgo::driver {

// DRIVER_SEARCH, DRIVER_STALE_SECONDS, DRIVER_SWEEP_MS, LOCATION_FLUSH_MS,
// LOCATION_BATCH_SIZE, LOCATION_BUFFER_MAX.
config::Spec settings_spec();

struct Settings {
  std::string search_mode = "geo";  // geo | sql
  std::chrono::seconds stale_after{30};
  Millis sweep_interval{1000};
  WriterSettings writer;
  static Settings from(const config::Values& config);
};

struct DriverApp {
  DriverApp(service::Runtime& runtime, pg::Pool& db, redis::Client& redis, Settings settings);

  Settings settings;
  Profiles profiles;
  DriverIndex index;
  std::unique_ptr<DriverSearch> search;
  LocationWriter writer;
  IndexMaintenance maintenance;

  // Ends the driver's reservation for `trip_id` in Redis and in Postgres
  // (each only if it holds that trip; a driver reserved for another trip is
  // untouched). Returns whether either held it.
  awaitable<bool> release_reservation(const std::string& driver_id, const std::string& trip_id);
};

// Registers every driver-service route, the warm-up (on start) and the
// flusher/sweeper shutdown (on stop).
void install(service::Runtime& runtime, std::shared_ptr<DriverApp> app);

}  // namespace uitgo::driver
