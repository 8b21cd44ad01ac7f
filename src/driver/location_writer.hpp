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
// is dropped and counted, so it cannot block the writer forever. stop()
// (registered with runtime.on_stop) writes everything still buffered.
//
// Metrics: driver_location_buffered (gauge), driver_location_flushed_total,
// driver_location_dropped_total, driver_location_flush_failures_total,
// driver_location_flush_seconds (histogram per batch).
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

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
  LocationWriter(asio::any_io_executor executor, pg::Pool& db, metrics::Registry& metrics, WriterSettings settings);
  LocationWriter(const LocationWriter&) = delete;
  LocationWriter& operator=(const LocationWriter&) = delete;

  // Thread-safe, never blocks on I/O.
  void add(LocationRecord record);
  // Starts the periodic flusher.
  void start();
  // Stops the flusher and writes everything still buffered.
  awaitable<void> stop();

  std::size_t buffered() const;

 private:
  awaitable<void> run();
  awaitable<void> stop_on_strand();
  // Writes batches until the buffer is empty; false when a batch failed.
  awaitable<bool> flush_all();
  awaitable<void> write(const std::vector<LocationRecord>& batch);
  void requeue(std::vector<LocationRecord> batch);

  pg::Pool& db_;
  WriterSettings settings_;
  asio::strand<asio::any_io_executor> strand_;
  asio::steady_timer timer_;  // used on strand_ only
  asio::steady_timer done_;   // cancelled when run() has finished
  bool running_ = false;      // strand_ only
  bool stopping_ = false;     // strand_ only

  mutable std::mutex mutex_;
  std::deque<LocationRecord> buffer_;
  std::atomic<bool> kick_pending_{false};

  metrics::Counter& flushed_;
  metrics::Counter& dropped_;
  metrics::Counter& failures_;
  metrics::Histogram& flush_seconds_;
};

}  // namespace uitgo::driver
