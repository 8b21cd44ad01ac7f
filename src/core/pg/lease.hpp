// Exclusive use of one pooled connection, returned to the pool when the lease
// is destroyed. Needed for session state that must stay on one connection,
// such as advisory locks.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string_view>

#include "core/pg/params.hpp"
#include "core/pg/result.hpp"

namespace uitgo::pg {

class Lease;

namespace detail {
class Connection;
class PoolCore;
// Internal door for the migration runner, the one user of multi-statement SQL.
struct LeaseAccess {
  static boost::asio::awaitable<Result> script(Lease& lease, std::string_view sql, std::chrono::milliseconds timeout);
};
}  // namespace detail

class Lease {
 public:
  Lease() noexcept;
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&& other) noexcept;
  ~Lease();

  // One parameterized statement. timeout defaults to Options::query_timeout.
  // Throws QueryError (server rejected it), TimeoutError, UnavailableError.
  // After a TimeoutError or UnavailableError the connection is dropped when
  // the lease ends, and further queries on this lease throw UnavailableError.
  boost::asio::awaitable<Result> query(std::string_view sql, Params params = {},
                                       std::optional<std::chrono::milliseconds> timeout = {});

  // Close the connection instead of reusing it when the lease ends (for
  // session state that must not leak to the next user).
  void discard() noexcept { discard_ = true; }

  explicit operator bool() const noexcept { return conn_ != nullptr; }

 private:
  friend class detail::PoolCore;
  friend struct detail::LeaseAccess;
  Lease(std::shared_ptr<detail::PoolCore> core, std::shared_ptr<detail::Connection> conn) noexcept;
  void release() noexcept;

  std::shared_ptr<detail::PoolCore> core_;
  std::shared_ptr<detail::Connection> conn_;
  bool discard_ = false;
};

}  // namespace uitgo::pg
