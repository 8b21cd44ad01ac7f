// The asynchronous PostgreSQL client: a bounded pool of non-blocking libpq
// connections driven by the caller's Asio executor. No thread ever blocks on
// a query; the pool may be used from coroutines on any thread of the
// io_context.
//
//   pg::Pool pool(io.get_executor(), {.dsn = "...", .max_size = 16});
//   auto r = co_await pool.query("SELECT id FROM users WHERE email = $1", {email});
//   co_await pool.transaction([&](pg::Tx& tx) -> awaitable<void> { co_await tx.query(...); });
//
// Failures: QueryError (server rejected the statement, has sqlstate()),
// uitgo::TimeoutError (deadline passed), uitgo::UnavailableError (cannot
// connect / connection lost), uitgo::OverloadedError (no connection free
// within acquire_timeout, or too many waiters).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "core/base/errors.hpp"
#include "core/pg/errors.hpp"
#include "core/pg/lease.hpp"
#include "core/pg/options.hpp"
#include "core/pg/params.hpp"
#include "core/pg/result.hpp"
#include "core/pg/transaction.hpp"

namespace uitgo::pg {

namespace detail {
class PoolCore;
}

class Pool {
 public:
  // Connections are opened lazily, on first use, so constructing a pool never
  // fails because the database is down.
  Pool(boost::asio::any_io_executor executor, Options options);
  // Closes idle connections; leases still out close theirs when they end.
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // One parameterized statement on any free connection.
  boost::asio::awaitable<Result> query(std::string_view sql, Params params = {},
                                       std::optional<std::chrono::milliseconds> timeout = {});

  // Exclusive use of one connection until the Lease is destroyed.
  boost::asio::awaitable<Lease> acquire();

  // Runs `body(Tx&)` (returning awaitable<T>) between BEGIN and COMMIT; if it
  // throws, rolls back and rethrows. Returns the body's value. Does not retry
  // serialization failures: catch QueryError 40001 and call again if needed.
  //
  // GCC 12 caveat: a lambda whose captures are non-trivially destructible
  // (e.g. [name = std::string(...)]) written inside the co_await expression
  // is destroyed twice (compiler bug). Capture by reference, as in the
  // example above, or build the lambda in a named local first.
  template <typename Body>
  auto transaction(Body body, TxOptions options = {}) -> std::invoke_result_t<Body&, Tx&>;

  // SELECT 1 with a short deadline, for readiness probes; never throws.
  boost::asio::awaitable<bool> ping(std::chrono::milliseconds timeout = std::chrono::seconds(1));

  PoolStats stats() const;
  const Options& options() const noexcept;

 private:
  std::shared_ptr<detail::PoolCore> core_;
};

template <typename Body>
auto Pool::transaction(Body body, TxOptions options) -> std::invoke_result_t<Body&, Tx&> {
  // `body` is taken by value so the lambda (and the coroutine state it refers
  // to) lives in this frame for as long as its awaitable runs.
  using T = typename std::invoke_result_t<Body&, Tx&>::value_type;
  Lease lease = co_await acquire();
  Tx tx(lease, options);
  co_await tx.begin();
  std::exception_ptr failure;
  if constexpr (std::is_void_v<T>) {
    try {
      co_await body(tx);
    } catch (...) {
      failure = std::current_exception();
    }
    if (!failure) {
      co_await tx.commit();
      co_return;
    }
    co_await tx.rollback();  // cannot co_await inside a catch block
    std::rethrow_exception(failure);
  } else {
    std::optional<T> value;
    try {
      value.emplace(co_await body(tx));
    } catch (...) {
      failure = std::current_exception();
    }
    if (!failure) {
      co_await tx.commit();
      co_return std::move(*value);
    }
    co_await tx.rollback();
    std::rethrow_exception(failure);
  }
}

}  // namespace uitgo::pg
