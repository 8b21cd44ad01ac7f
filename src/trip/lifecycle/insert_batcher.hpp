// InsertBatcher: group commit for trip creation. Creates without an
// Idempotency-Key that arrive together share one statement
// (TripStore::insert_many), so N trips cost one round trip, one plan and one
// commit instead of N.
//
// A batch starts as soon as a trip arrives while fewer than `in_flight`
// batches run, so under light load every trip is its own statement and waits
// for nothing; under load, the trips arriving while batches run gather into
// the next ones (at most `max_batch` each). With a per-rider cap, one batch
// holds at most one trip per rider (two would take the same slot). When
// Postgres rejects a batch (a concurrent create took a slot), nothing of it
// was written and each of its trips is tried again on its own, so one
// refusal never fails the others. A trip still queued after `max_wait` is
// taken out and refused with OverloadedError (503, Retry-After), as a
// request waiting that long for a pool connection would be.
//
// Metrics: trip_create_batch_size (trips per statement), trip_create_queued
// (trips waiting for a statement).
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/base/async.hpp"
#include "core/base/metrics.hpp"
#include "core/pg/pool.hpp"
#include "trip/lifecycle/trip_store.hpp"

namespace uitgo::trip {

struct InsertBatchSettings {
  std::size_t max_batch = 32;  // CREATE_BATCH: trips per statement at most (1 = no batching)
  std::size_t in_flight = 4;   // CREATE_BATCHES_IN_FLIGHT: statements running at once
  Millis max_wait{1000};       // PG_ACQUIRE_TIMEOUT_MS: the longest wait for a statement
};

class InsertBatcher {
 public:
  InsertBatcher(asio::any_io_executor executor, pg::Pool& db, metrics::Registry& metrics, std::int64_t max_open,
                InsertBatchSettings settings);
  ~InsertBatcher();
  InsertBatcher(const InsertBatcher&) = delete;
  InsertBatcher& operator=(const InsertBatcher&) = delete;

  // TripStore::insert's contract on the pool: nothing when the rider holds
  // every slot; pg::QueryError (unique violation) when a concurrent create
  // took the last one.
  awaitable<std::optional<CreatedTrip>> insert(TripToCreate trip);

 private:
  struct Pending;
  using Batch = std::vector<std::shared_ptr<Pending>>;

  awaitable<void> wait_for(const std::shared_ptr<Pending>& pending);
  bool withdraw(const std::shared_ptr<Pending>& pending);
  Batch take();
  awaitable<void> drain();
  awaitable<void> run(Batch batch);
  awaitable<void> run_alone(Pending& pending, const TripToCreate& trip);

  asio::any_io_executor executor_;
  pg::Pool& db_;
  metrics::Histogram& sizes_;
  metrics::Gauge& queued_;
  std::int64_t max_open_;
  InsertBatchSettings settings_;
  std::mutex mutex_;
  std::deque<std::shared_ptr<Pending>> pending_;
  std::size_t running_ = 0;  // drain() loops in progress
};

}  // namespace uitgo::trip
