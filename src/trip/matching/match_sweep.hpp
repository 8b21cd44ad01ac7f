// Postgres drives matching work (SPEC "No lost trip"): the queue only carries
// it, and a queue can lose its contents (a Redis crash). Two periodic tasks of
// every trip-service process:
//
//   match-sweep            every MATCH_SWEEP_SECONDS:
//     - cancels (reason no_driver, the rider is told like any change) every
//       trip still requested past MATCH_DEADLINE_SECONDS, whether or not a
//       matcher ever saw it;
//     - re-publishes through the outbox the match event of every requested
//       trip without a pending offer whose matching went quiet: no matcher
//       read it, and it was not re-published, for MATCH_REDRIVE_SECONDS, and
//       no unsent event of it waits in the outbox. At most MATCH_REDRIVE_BATCH
//       per pass, claimed with SKIP LOCKED so several instances share the work.
//   match-activity-flush   every second: matchers read every trip they act on
//       (GET /internal/trips/{id}); those reads are remembered in memory and
//       written as ONE statement per flush (trips.match_seen_at), so recording
//       matcher activity costs trip creation nothing and matching one batched
//       UPDATE per second.
//
// A re-published event that turns out to be a duplicate (the original was
// only slow) is harmless: the matcher reads the trip's state first and acts
// on what it finds (an offer already pending, a newer attempt, a closed trip).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_set>

#include "core/base/metrics.hpp"
#include "core/pg/pool.hpp"
#include "core/service/runtime.hpp"
#include "trip/matching/offers.hpp"
#include "trip/matching/outbox.hpp"

namespace uitgo::trip {

struct SweepSettings {
  std::int64_t deadline_seconds = 120;
  std::int64_t redrive_seconds = 60;
  int batch = 200;
  Millis period{5000};
};

class MatchSweep {
 public:
  // Registers both tasks on `runtime`.
  MatchSweep(service::Runtime& runtime, pg::Pool& db, Offers& offers, OutboxRelay& relay, SweepSettings settings);

  // A matcher read this trip. Thread-safe, never waits.
  void seen(const std::string& trip_id);

  // One pass of each part (also what the task runs); how many trips each touched.
  awaitable<int> cancel_overdue();
  awaitable<int> redrive_quiet();

 private:
  awaitable<void> flush_seen();

  pg::Pool& db_;
  Offers& offers_;
  OutboxRelay& relay_;
  SweepSettings settings_;
  std::mutex mutex_;
  std::unordered_set<std::string> seen_;
  metrics::Counter& redriven_;
  metrics::Counter& cancelled_;
};

}  // namespace uitgo::trip
