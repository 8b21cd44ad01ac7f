// Waits until a set of detached coroutines has finished (Go's WaitGroup) on
// a single-threaded io_context: a timer that never fires on its own is
// cancelled when the count drops to zero.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>

#include "core/base/async.hpp"

namespace uitgo::loadgen {

class WaitGroup {
 public:
  explicit WaitGroup(asio::any_io_executor executor) : timer_(executor, Clock::time_point::max()) {}

  void add() { ++pending_; }
  void done() {
    if (--pending_ == 0) timer_.cancel();
  }
  std::uint64_t pending() const { return pending_; }

  awaitable<void> wait() {
    while (pending_ > 0) co_await timer_.async_wait(asio::as_tuple(use_awaitable));
  }

 private:
  asio::steady_timer timer_;
  std::uint64_t pending_ = 0;
};

}  // namespace uitgo::loadgen
