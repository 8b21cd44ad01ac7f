// One non-blocking libpq connection driven by Asio (internal to core/pg).
// All libpq calls for a connection run on that connection's strand, so the
// deadline timer can safely cancel a socket wait from its own handler.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/pg/params.hpp"
#include "core/pg/result.hpp"

namespace uitgo::pg::detail {

// Caps the threads sending PQcancel (a blocking call) after timeouts. Shared
// with those threads, so it outlives the pool if they are slow.
struct CancelBudget {
  std::atomic<int> running{0};
  int max_running = 4;
};

class Connection {
 public:
  Connection(boost::asio::any_io_executor executor, std::string name, std::shared_ptr<CancelBudget> budget);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Throws UnavailableError on refusal, authentication failure or timeout.
  boost::asio::awaitable<void> connect(std::string dsn, std::chrono::milliseconds timeout);

  // Extended protocol: exactly one statement, parameters sent separately;
  // prepared as a named statement of the session on its first use.
  boost::asio::awaitable<Result> query(std::string_view sql, const Params& params, std::chrono::milliseconds timeout);
  // Simple protocol: may hold several statements; only for migration bodies.
  boost::asio::awaitable<Result> script(std::string_view sql, std::chrono::milliseconds timeout);

  // Can go back to the pool: not broken and not inside a transaction.
  bool reusable() const noexcept;
  // Cheap check before reusing an idle connection: an idle connection has
  // nothing to read unless the server closed it or is shutting it down.
  bool idle_healthy() const noexcept;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace uitgo::pg::detail
