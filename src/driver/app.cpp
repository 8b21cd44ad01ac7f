#include "driver/app.hpp"

#include "core/base/log.hpp"
#include "core/base/time.hpp"
#include "core/service/peers.hpp"
#include "driver/matcher/matcher.hpp"
#include "driver/matcher/reservation_audit.hpp"

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
          .match_unlocated = c.flag("MATCH_UNLOCATED_DRIVERS"),
          .match_radius_meters = static_cast<double>(c.integer("MATCH_RADIUS_METERS")),
          .stale_after = std::chrono::seconds(c.integer("DRIVER_STALE_SECONDS")),
          .sweep_interval = c.millis("DRIVER_SWEEP_MS"),
          .writer = {.flush_interval = c.millis("LOCATION_FLUSH_MS"),
                     .batch_size = static_cast<std::size_t>(c.integer("LOCATION_BATCH_SIZE")),
                     .buffer_max = static_cast<std::size_t>(c.integer("LOCATION_BUFFER_MAX"))}};
}

DriverApp::DriverApp(service::Runtime& runtime, pg::Pool& db, redis::Client& redis, const std::string& internal_token)
    : settings(Settings::from(runtime.config())),
      profiles(db),
      summaries(runtime, profiles, redis, std::chrono::seconds(runtime.config().integer("PROFILE_CACHE_SECONDS"))),
      index(redis, settings.stale_after, settings.match_unlocated, settings.match_radius_meters),
      search(make_search(settings.search_mode, db, index, summaries, runtime.metrics())),
      writer(runtime, db, settings.writer),
      maintenance(runtime, redis, index, profiles, settings.sweep_interval),
      trips(runtime.executor(), service::peer_options(runtime.config(), "TRIP_SERVICE", internal_token)),
      index_failures_(runtime.metrics().counter(
          "driver_location_index_failures_total",
          "location pings kept for Postgres although the GEO index update failed (Redis down)")) {}

DriverApp::~DriverApp() = default;

awaitable<bool> DriverApp::reserve(const std::string& driver_id, const std::string& trip_id) {
  const auto outcome = co_await index.reserve(driver_id, trip_id, now_ms());
  if (outcome == Reservation::not_free) co_return false;
  bool recorded = false;
  std::exception_ptr failure;
  try {
    recorded = co_await profiles.set_trip(driver_id, trip_id);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure || !recorded) {
    if (outcome == Reservation::reserved) co_await index.release(driver_id, trip_id, now_ms());
    if (failure) std::rethrow_exception(failure);
    // Indexed but without a profile (deleted meanwhile): not a candidate.
    log::warn("reservation skipped: driver has no profile", {{"driverId", driver_id}, {"tripId", trip_id}});
  }
  co_return recorded;
}

awaitable<bool> DriverApp::release_reservation(const std::string& driver_id, const std::string& trip_id) {
  const bool held_in_redis = co_await index.release(driver_id, trip_id, now_ms());
  const bool held_in_postgres = co_await profiles.clear_trip(driver_id, trip_id);
  if (held_in_redis) co_await driver_freed(driver_id);
  co_return held_in_redis || held_in_postgres;
}

awaitable<void> DriverApp::driver_freed(const std::string& driver_id) {
  // The request that freed the driver waits for this, and the trip it would
  // wake is retried anyway: a slow Redis or SQS may not hold it up for long.
  constexpr auto kWakeDeadline = std::chrono::milliseconds(500);
  if (!matcher) co_return;
  try {
    co_await with_deadline(matcher->wake_for(driver_id), kWakeDeadline, "waking a waiting trip");
  } catch (const std::exception& e) {
    std::uint64_t held_back = 0;
    if (wake_failure_warnings_.allow(held_back)) {
      log::warn("could not wake a waiting trip for a free driver",
                {{"driverId", driver_id}, {"error", e.what()}, {"heldBack", held_back}});
    }
  }
}

void DriverApp::note_index_failure(const std::string& error) {
  index_failures_.inc();
  maintenance.request_rewarm();
  std::uint64_t held_back = 0;
  if (!index_failure_warnings_.allow(held_back)) return;
  log::warn("location pings bypass the GEO index (Redis failing); history and positions still reach Postgres",
            {{"error", error}, {"failuresSoFar", index_failures_.value()}});
}

std::shared_ptr<DriverApp> install(service::Runtime& runtime, pg::Pool& db, redis::Client& redis,
                                   const std::string& internal_token) {
  auto app = std::make_shared<DriverApp>(runtime, db, redis, internal_token);
  app->matcher = std::make_unique<Matcher>(runtime, *app, db, redis, MatcherSettings::from(runtime.config()));
  app->audit = std::make_unique<ReservationAudit>(runtime, *app, AuditSettings::from(runtime.config()));
  add_routes(runtime.router(), app);
  log::info("driver search", {{"mode", app->settings.search_mode},
                              {"staleSeconds", app->settings.stale_after.count()},
                              {"flushMs", app->settings.writer.flush_interval.count()},
                              {"batchSize", static_cast<std::int64_t>(app->settings.writer.batch_size)}});
  return app;
}

}  // namespace uitgo::driver
