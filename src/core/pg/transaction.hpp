// A transaction handle given to the body of Pool::transaction(); all of its
// statements run on one leased connection between BEGIN and COMMIT/ROLLBACK.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string_view>

#include "core/pg/lease.hpp"
#include "core/pg/params.hpp"
#include "core/pg/result.hpp"

namespace uitgo::pg {

enum class Isolation { read_committed, repeatable_read, serializable };

struct TxOptions {
  std::optional<Isolation> isolation;  // server default (read committed) when empty
  bool read_only = false;
  // Per-statement deadline inside the transaction; Options::query_timeout when empty.
  std::optional<std::chrono::milliseconds> statement_timeout;
};

class Tx {
 public:
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

  boost::asio::awaitable<Result> query(std::string_view sql, Params params = {},
                                       std::optional<std::chrono::milliseconds> timeout = {});

  // The underlying connection, e.g. for pg_advisory_xact_lock helpers.
  Lease& lease() noexcept { return *lease_; }

 private:
  friend class Pool;
  Tx(Lease& lease, TxOptions options) noexcept : lease_(&lease), options_(options) {}

  boost::asio::awaitable<void> begin();
  // Throws QueryError 25P02 when the server answered COMMIT with ROLLBACK,
  // i.e. the body swallowed an error and the work was lost.
  boost::asio::awaitable<void> commit();
  // Never throws: if ROLLBACK cannot run, the connection is discarded, which
  // ends the transaction on the server just as well.
  boost::asio::awaitable<void> rollback();

  Lease* lease_;
  TxOptions options_;
};

}  // namespace uitgo::pg
