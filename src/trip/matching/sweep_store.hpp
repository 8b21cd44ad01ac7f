// SQL of the matching sweep (match_sweep.hpp): which requested trips went
// quiet or ran past the deadline, and the bookkeeping of matcher activity.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/async.hpp"
#include "core/pg/pool.hpp"
#include "trip/lifecycle/trip.hpp"

namespace uitgo::trip {

class SweepStore {
 public:
  // Records that a matcher read these trips (now), except those created or
  // marked within the last `unless_within_seconds`.
  static awaitable<void> mark_seen(pg::Pool& db, const std::vector<std::string>& trip_ids,
                                   double unless_within_seconds);
  // Requested trips older than `deadline_seconds`, oldest first.
  static awaitable<std::vector<std::string>> overdue(pg::Pool& db, std::int64_t deadline_seconds, int limit);
  // Inside `tx`, locks (SKIP LOCKED) requested trips without a pending offer,
  // still within the deadline, whose creation, last matcher read and last
  // re-drive are all older than `quiet_seconds`, and that have no unsent
  // match event waiting in the outbox; marks them re-driven and returns them.
  static awaitable<std::vector<Trip>> claim_quiet(pg::Tx& tx, std::int64_t quiet_seconds, std::int64_t deadline_seconds,
                                                  int limit);
};

}  // namespace uitgo::trip
