#include "trip/lifecycle/insert_batcher.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <string>
#include <utility>

#include "core/base/log.hpp"
#include "core/pg/errors.hpp"

namespace uitgo::trip {

// One create waiting for its batch. `done` carries no value: the outcome is
// in `created` / `error`, written before the signal is sent.
struct InsertBatcher::Pending {
  Pending(const asio::any_io_executor& executor, TripToCreate t) : trip(std::move(t)), done(executor, 1) {}

  void finish(std::optional<CreatedTrip> result, std::exception_ptr failure) {
    created = std::move(result);
    error = std::move(failure);
    finished.store(true);
    done.try_send(boost::system::error_code{});
  }

  TripToCreate trip;
  std::optional<CreatedTrip> created;
  std::exception_ptr error;
  std::atomic<bool> finished{false};
  asio::experimental::concurrent_channel<void(boost::system::error_code)> done;
};

InsertBatcher::InsertBatcher(asio::any_io_executor executor, pg::Pool& db, metrics::Registry& metrics,
                             std::int64_t max_open, InsertBatchSettings settings)
    : executor_(std::move(executor)),
      db_(db),
      sizes_(metrics.histogram("trip_create_batch_size", "trips written by one creating statement", {},
                               {1, 2, 4, 8, 16, 32, 64, 128})),
      queued_(metrics.gauge("trip_create_queued", "trips waiting for a creating statement")),
      max_open_(max_open),
      settings_(settings) {
  settings_.max_batch = std::max<std::size_t>(settings_.max_batch, 1);
  settings_.in_flight = std::max<std::size_t>(settings_.in_flight, 1);
}

InsertBatcher::~InsertBatcher() = default;

awaitable<std::optional<CreatedTrip>> InsertBatcher::insert(TripToCreate trip) {
  auto pending = std::make_shared<Pending>(executor_, std::move(trip));
  bool start = false;
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(pending);
    queued_.set(static_cast<double>(pending_.size()));
    if (running_ < settings_.in_flight) {
      ++running_;
      start = true;
    }
  }
  if (start) asio::co_spawn(executor_, drain(), asio::detached);
  co_await wait_for(pending);
  if (pending->error) std::rethrow_exception(pending->error);
  co_return std::move(pending->created);
}

// Past max_wait a trip still queued is taken out and refused; one already in
// a running statement waits for it (the statement has its own deadline).
awaitable<void> InsertBatcher::wait_for(const std::shared_ptr<Pending>& pending) {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(executor_, settings_.max_wait);
  auto signal = pending->done.async_receive(use_awaitable);
  auto race = std::move(signal) || timer.async_wait(use_awaitable);
  const auto first = co_await std::move(race);
  if (first.index() == 0 || pending->finished.load()) co_return;
  if (withdraw(pending)) throw OverloadedError("trip creation: no statement free within PG_ACQUIRE_TIMEOUT_MS");
  co_await pending->done.async_receive(use_awaitable);
}

bool InsertBatcher::withdraw(const std::shared_ptr<Pending>& pending) {
  std::lock_guard lock(mutex_);
  const auto it = std::find(pending_.begin(), pending_.end(), pending);
  if (it == pending_.end()) return false;
  pending_.erase(it);
  queued_.set(static_cast<double>(pending_.size()));
  return true;
}

// The oldest waiting trips, at most max_batch, one per rider when there is a
// cap; an empty batch ends the caller's drain() (counted out under the lock,
// so a trip queued meanwhile starts a drain of its own).
InsertBatcher::Batch InsertBatcher::take() {
  Batch batch;
  std::lock_guard lock(mutex_);
  for (auto it = pending_.begin(); it != pending_.end() && batch.size() < settings_.max_batch;) {
    const auto same_rider = [&it](const std::shared_ptr<Pending>& p) {
      return p->trip.trip.rider_id == (*it)->trip.trip.rider_id;
    };
    if (max_open_ > 0 && std::any_of(batch.begin(), batch.end(), same_rider)) {
      ++it;
      continue;
    }
    batch.push_back(std::move(*it));
    it = pending_.erase(it);
  }
  queued_.set(static_cast<double>(pending_.size()));
  if (batch.empty()) --running_;
  return batch;
}

awaitable<void> InsertBatcher::drain() {
  for (auto batch = take(); !batch.empty(); batch = take()) {
    co_await run(std::move(batch));
  }
}

awaitable<void> InsertBatcher::run(Batch batch) {
  sizes_.observe(static_cast<double>(batch.size()));
  if (batch.size() == 1) {
    co_await run_alone(*batch.front(), batch.front()->trip);
    co_return;
  }
  // Moved out: once taken, a trip is read only from here.
  std::vector<TripToCreate> trips;
  trips.reserve(batch.size());
  for (const auto& p : batch) trips.push_back(std::move(p->trip));
  std::vector<std::optional<CreatedTrip>> created;
  std::exception_ptr failure;
  bool rejected = false;  // by Postgres: the statement wrote nothing
  try {
    created = co_await TripStore::insert_many(db_, trips, max_open_);
  } catch (const pg::QueryError& e) {
    rejected = true;
    log::info("trip batch rejected, writing its trips one by one", {{"trips", batch.size()}, {"error", e.what()}});
  } catch (...) {
    // Connection lost or deadline passed: the batch may or may not have
    // committed, so it is not written again; every caller gets the error.
    failure = std::current_exception();
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (rejected) {
      co_await run_alone(*batch[i], trips[i]);
    } else {
      batch[i]->finish(failure ? std::nullopt : std::move(created[i]), failure);
    }
  }
}

awaitable<void> InsertBatcher::run_alone(Pending& pending, const TripToCreate& trip) {
  std::optional<CreatedTrip> created;
  std::exception_ptr failure;
  try {
    created = co_await TripStore::insert(db_, trip.trip, trip.opening, max_open_);
  } catch (...) {
    failure = std::current_exception();
  }
  pending.finish(std::move(created), failure);
}

}  // namespace uitgo::trip
