// Keeps the Redis index in step with Postgres:
//   warm-up   on start, rebuild drivers:available/online/free/heartbeat/pos and
//             the reservation keys from Postgres (online drivers with a location
//             received within DRIVER_STALE_SECONDS; drivers.current_trip_id);
//   sweeper   every DRIVER_SWEEP_MS, drop stale drivers (sweep_stale); and when
//             drivers:available has vanished (FLUSHALL, a Redis restart without
//             persistence) warm up again, at most every few seconds.
// A warm-up that fails (Redis down at start) does not stop the service: the
// sweeper retries it.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "core/base/async.hpp"
#include "core/base/metrics.hpp"
#include "core/redis/client.hpp"
#include "driver/driver_index.hpp"
#include "driver/profiles.hpp"

namespace uitgo::driver {

class IndexMaintenance {
 public:
  IndexMaintenance(asio::any_io_executor executor, redis::Client& redis, DriverIndex& index, Profiles& profiles,
                   metrics::Registry& metrics, Millis sweep_interval);
  IndexMaintenance(const IndexMaintenance&) = delete;
  IndexMaintenance& operator=(const IndexMaintenance&) = delete;

  // Never throws: a failure is logged and left to the sweeper.
  awaitable<void> warm_up();
  void start();
  awaitable<void> stop();

 private:
  awaitable<void> run();
  awaitable<void> stop_on_strand();
  awaitable<void> tick();

  redis::Client& redis_;
  DriverIndex& index_;
  Profiles& profiles_;
  Millis interval_;
  asio::strand<asio::any_io_executor> strand_;
  asio::steady_timer timer_;
  asio::steady_timer done_;
  bool running_ = false;
  bool stopping_ = false;
  bool warm_ = false;
  Clock::time_point last_warm_attempt_{};
  metrics::Counter& swept_;
  metrics::Counter& warm_ups_;
};

}  // namespace uitgo::driver
