// Location history without an INSERT per ping: pings are buffered in memory
// and written in batches — ONE statement per batch that appends every row to
// driver_locations and upserts each driver's latest row in
// driver_last_locations (array parameters + unnest).
//
// A batch is written every LOCATION_FLUSH_MS, or as soon as
// LOCATION_BATCH_SIZE pings are waiting. The buffer is bounded
// (LOCATION_BUFFER_MAX): when full, the OLDEST ping is dropped and counted,
// so the request path never waits for Postgres. A batch that failed for want
// of Postgres (down, timeout, pool exhausted) goes back to the front of the
// buffer and is retried on the next tick; one Postgres rejects (a data error)
// is dropped and counted, so it cannot block the writer forever. The writer
// is the periodic task "location-history-flush"; its final pass at shutdown
// writes everything still buffered.
//
// Metrics: driver_location_buffered (gauge), driver_location_flushed_total,
// driver_location_dropped_total, driver_location_flush_failures_total,
// driver_location_flush_seconds (histogram per batch).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/base/async.hpp"
#include "core/base/metrics.hpp"
#include "core/pg/pool.hpp"
#include "core/service/runtime.hpp"

namespace uitgo::driver {

struct LocationRecord {
  std::string driver_id;
  double lat = 0;
  double lng = 0;
  std::optional<double> heading;
  std::optional<double> speed_kmh;
  std::int64_t recorded_ms = 0;  // the client's recordedAt, else the receive time
  std::int64_t received_ms = 0;  // server clock; the freshness of driver_last_locations
};

struct WriterSettings {
  Millis flush_interval{1000};
  std::size_t batch_size = 500;
  std::size_t buffer_max = 10000;
};

class LocationWriter {
 public:
  LocationWriter(service::Runtime& runtime, pg::Pool& db, WriterSettings settings);
  LocationWriter(const LocationWriter&) = delete;
  LocationWriter& operator=(const LocationWriter&) = delete;

  // Thread-safe, never blocks on I/O.
  void add(LocationRecord record);

  std::size_t buffered() const;

 private:
  // Writes batches until the buffer is empty; throws when a batch failed
  // (it is back in the buffer for the next pass).
  awaitable<void> flush_all();
  awaitable<void> write(const std::vector<LocationRecord>& batch);
  void requeue(std::vector<LocationRecord> batch);

  pg::Pool& db_;
  WriterSettings settings_;
  service::PeriodicTask* task_ = nullptr;
  // After a failed batch, a full buffer does not wake the task early: the
  // next attempt waits for the flush interval.
  std::atomic<bool> last_pass_failed_{false};

  mutable std::mutex mutex_;
  std::deque<LocationRecord> buffer_;

  metrics::Counter& flushed_;
  metrics::Counter& dropped_;
  metrics::Counter& failures_;
  metrics::Histogram& flush_seconds_;
};

}  // namespace uitgo::driver
