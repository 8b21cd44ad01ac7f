// Pool bookkeeping shared by Pool and Lease (internal to core/pg). Held by
// shared_ptr so leases and pending timers stay valid after ~Pool.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/pg/connection.hpp"
#include "core/pg/lease.hpp"
#include "core/pg/options.hpp"

namespace uitgo::pg::detail {

struct Waiter;

// What acquire() gets from the bookkeeping: an idle connection, or (conn ==
// nullptr) a reserved slot under max_size that the caller must connect.
struct Grant {
  std::shared_ptr<Connection> conn;
  // Set when conn comes from the idle list: how long it sat there decides
  // whether it is worth a health check before use.
  std::optional<std::chrono::steady_clock::time_point> idle_since;
};

struct IdleConnection {
  std::shared_ptr<Connection> conn;
  std::chrono::steady_clock::time_point since;
};

class PoolCore : public std::enable_shared_from_this<PoolCore> {
 public:
  PoolCore(boost::asio::any_io_executor executor, Options options);

  static boost::asio::awaitable<Lease> acquire(std::shared_ptr<PoolCore> self);
  // Returns a connection (or, when conn is unusable, its slot) to the pool:
  // first to the oldest waiter, else to the idle list.
  void give_back(std::shared_ptr<Connection> conn, bool reusable) noexcept;
  void close() noexcept;

  PoolStats stats() const;
  const Options& options() const noexcept { return options_; }

 private:
  boost::asio::awaitable<Grant> take();
  std::optional<Grant> take_locked();
  void enqueue(std::shared_ptr<Waiter> waiter);
  void expire(const std::shared_ptr<Waiter>& waiter);
  void complete(Waiter& waiter, std::exception_ptr error, Grant grant);
  std::exception_ptr overloaded(const char* why) const;

  boost::asio::any_io_executor executor_;
  const Options options_;
  std::shared_ptr<CancelBudget> cancel_budget_ = std::make_shared<CancelBudget>();

  mutable std::mutex mutex_;
  std::vector<IdleConnection> idle_;  // LIFO: the warmest connection goes out first
  std::size_t size_ = 0;
  std::deque<std::shared_ptr<Waiter>> waiters_;  // FIFO
  bool closed_ = false;
};

}  // namespace uitgo::pg::detail
