// Keeps the Redis index in step with Postgres (IndexMaintenance):
//   warm-up   on start, rebuild drivers:available/online/free/heartbeat/pos and
//             the reservation keys from Postgres (online drivers with a location
//             received within DRIVER_STALE_SECONDS; drivers.current_trip_id);
//   sweeper   the periodic task "driver-index-sweep": every DRIVER_SWEEP_MS, drop stale drivers (sweep_stale); and when
//             drivers:available has vanished (FLUSHALL, a Redis restart without
//             persistence), or pings bypassed a failing Redis, warm up again, at
//             most every few seconds.
// A warm-up that fails (Redis down at start) does not stop the service: the
// sweeper retries it.
#pragma once

#include <atomic>

#include "core/base/async.hpp"
#include "core/base/metrics.hpp"
#include "core/redis/client.hpp"
#include "core/service/runtime.hpp"
#include "driver/index/driver_index.hpp"
#include "driver/profiles/profile_store.hpp"

namespace uitgo::driver {

class IndexMaintenance {
 public:
  // Registers the warm-up as a start step and the sweeper as a task.
  IndexMaintenance(service::Runtime& runtime, redis::Client& redis, DriverIndex& index, ProfileStore& profiles,
                   Millis sweep_interval);
  IndexMaintenance(const IndexMaintenance&) = delete;
  IndexMaintenance& operator=(const IndexMaintenance&) = delete;

  // Never throws: a failure is logged and left to the sweeper.
  awaitable<void> warm_up();
  // At start: warm_up(), unless another process did within the last minute.
  awaitable<void> warm_up_unless_fresh();
  // Redis failed for a while (pings went to Postgres only): rebuild the index
  // from Postgres on the next sweep that finds Redis answering. Any thread.
  void request_rewarm() { rewarm_requested_.store(true); }

 private:
  awaitable<void> sweep();

  redis::Client& redis_;
  DriverIndex& index_;
  ProfileStore& profiles_;
  std::atomic<bool> warm_{false};
  std::atomic<bool> rewarm_requested_{false};
  Clock::time_point last_warm_attempt_{};
  metrics::Counter& swept_;
  metrics::Counter& warm_ups_;
};

}  // namespace uitgo::driver
