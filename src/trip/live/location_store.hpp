// A trip's last known location in trip_db (table trip_locations), written
// without a transaction per WebSocket message: locations are coalesced per
// trip in memory (only the newest counts) and every TRIP_LOCATION_FLUSH_MS
// ONE statement upserts them all (array parameters + unnest). At 1 message/s
// from 1,000 drivers that is 5 statements/s instead of 1,000.
//
// At most `max_pending` trips wait between flushes; beyond that new
// locations are dropped and counted. A failed flush is logged and counted and
// its locations are dropped: the next message of each trip supersedes them.
// The flush is the periodic task "trip-location-flush"; its final pass at
// shutdown writes what is still pending.
//
// Metrics: trip_location_flushed_total, trip_location_dropped_total,
// trip_location_flush_failures_total.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/base/async.hpp"
#include "core/base/metrics.hpp"
#include "core/pg/pool.hpp"
#include "core/service/runtime.hpp"

namespace uitgo::trip {

struct TripFix {
  std::string trip_id;
  std::string driver_id;
  double lat = 0;
  double lng = 0;
  std::int64_t recorded_ms = 0;
};

struct LastLocation {
  double lat = 0;
  double lng = 0;
  std::int64_t recorded_ms = 0;
};

// The trip's last stored location, from whichever server `db` is (primary or replica).
awaitable<std::optional<LastLocation>> last_location(pg::Pool& db, const std::string& trip_id);

class LocationStore {
 public:
  LocationStore(service::Runtime& runtime, pg::Pool& db, Millis flush_interval, std::size_t max_pending = 100'000);
  LocationStore(const LocationStore&) = delete;
  LocationStore& operator=(const LocationStore&) = delete;

  // Thread-safe, never waits.
  void add(TripFix fix);

 private:
  awaitable<void> flush();

  pg::Pool& db_;
  std::size_t max_pending_;

  std::mutex mutex_;
  std::unordered_map<std::string, TripFix> pending_;  // by trip id

  metrics::Counter& flushed_;
  metrics::Counter& dropped_;
  metrics::Counter& failures_;
};

}  // namespace uitgo::trip
