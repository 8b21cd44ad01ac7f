#include "driver/app.hpp"

#include "core/base/log.hpp"
#include "driver/routes.hpp"
#include "driver/timestamps.hpp"

namespace uitgo::driver {

config::Spec settings_spec() {
  config::Spec s;
  s.choice("DRIVER_SEARCH", "geo", {"geo", "sql"},
           "nearest-driver search: geo = Redis GEO index (expanding radius), sql = the baseline bounding box + "
           "haversine query on Postgres")
      .integer("DRIVER_STALE_SECONDS", 30, 1, 86400,
               "a driver without a location ping for this long leaves search results and the GEO index")
      .integer("DRIVER_SWEEP_MS", 1000, 50, 60000, "how often stale drivers are swept out of the GEO index")
      .integer("LOCATION_FLUSH_MS", 1000, 10, 60000, "location history is written to Postgres at least this often")
      .integer("LOCATION_BATCH_SIZE", 500, 1, 10000, "pings per history INSERT; a full batch is written at once")
      .integer("LOCATION_BUFFER_MAX", 10000, 1, 10000000,
               "pings buffered for Postgres at most; beyond it the oldest are dropped (counted in "
               "driver_location_dropped_total)");
  return s;
}

Settings Settings::from(const config::Values& c) {
  return {.search_mode = c.str("DRIVER_SEARCH"),
          .stale_after = std::chrono::seconds(c.integer("DRIVER_STALE_SECONDS")),
          .sweep_interval = c.millis("DRIVER_SWEEP_MS"),
          .writer = {.flush_interval = c.millis("LOCATION_FLUSH_MS"),
                     .batch_size = static_cast<std::size_t>(c.integer("LOCATION_BATCH_SIZE")),
                     .buffer_max = static_cast<std::size_t>(c.integer("LOCATION_BUFFER_MAX"))}};
}

DriverApp::DriverApp(service::Runtime& runtime, pg::Pool& db, redis::Client& redis, Settings s)
    : settings(std::move(s)),
      profiles(db),
      index(redis, settings.stale_after),
      search(make_search(settings.search_mode, db, index, profiles)),
      writer(runtime.executor(), db, runtime.metrics(), settings.writer),
      maintenance(runtime.executor(), redis, index, profiles, runtime.metrics(), settings.sweep_interval) {}

awaitable<bool> DriverApp::release_reservation(const std::string& driver_id, const std::string& trip_id) {
  const bool held_in_redis = co_await index.release(driver_id, trip_id, now_ms());
  const bool held_in_postgres = co_await profiles.clear_trip(driver_id, trip_id);
  co_return held_in_redis || held_in_postgres;
}

void install(service::Runtime& runtime, std::shared_ptr<DriverApp> app) {
  add_profile_routes(runtime.router(), app);
  add_availability_routes(runtime.router(), app);
  add_search_routes(runtime.router(), app);
  log::info("driver search", {{"mode", app->settings.search_mode},
                              {"staleSeconds", app->settings.stale_after.count()},
                              {"flushMs", app->settings.writer.flush_interval.count()},
                              {"batchSize", static_cast<std::int64_t>(app->settings.writer.batch_size)}});
  // After the migrations (registered earlier): rebuild the index, then start
  // the background loops.
  runtime.on_start([app]() -> awaitable<void> {
    co_await app->maintenance.warm_up();
    app->maintenance.start();
    app->writer.start();
  });
  // Stop steps run after the HTTP server drained: no ping arrives any more,
  // so the final flush writes everything.
  runtime.on_stop([app]() -> awaitable<void> {
    co_await app->maintenance.stop();
    co_await app->writer.stop();
  });
}

}  // namespace uitgo::driver
