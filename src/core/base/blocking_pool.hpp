// A small bounded thread pool for CPU-heavy work (password hashing) that must
// not run on the event-loop threads. When `max_queued` jobs are already
// waiting, run() throws OverloadedError (the caller answers 503) instead of
// letting latency grow without bound.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <cstddef>
#include <type_traits>

#include "core/base/async.hpp"

namespace uitgo {

class BlockingPool {
 public:
  BlockingPool(std::size_t threads, std::size_t max_queued) : pool_(threads), max_queued_(max_queued) {}
  ~BlockingPool() { pool_.join(); }
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // Runs `job()` on a pool thread and resumes the caller on its own executor.
  template <typename F>
  awaitable<std::invoke_result_t<F&>> run(F job) {
    using R = std::invoke_result_t<F&>;
    if (pending_.fetch_add(1) >= max_queued_) {
      --pending_;
      throw OverloadedError("blocking pool queue is full");
    }
    struct Release {
      std::atomic<std::size_t>& n;
      ~Release() { --n; }
    } release{pending_};
    // Named before co_await (GCC 12 double-destroys temporaries there).
    auto task = asio::co_spawn(
        pool_.get_executor(), [job = std::move(job)]() mutable -> awaitable<R> { co_return job(); }, use_awaitable);
    co_return co_await std::move(task);
  }

  std::size_t pending() const { return pending_.load(); }

 private:
  asio::thread_pool pool_;
  std::size_t max_queued_;
  std::atomic<std::size_t> pending_{0};
};

}  // namespace uitgo
