#include "core/pg/transaction.hpp"

#include <string>

#include "core/pg/errors.hpp"

namespace uitgo::pg {

namespace asio = boost::asio;

asio::awaitable<Result> Tx::query(std::string_view sql, Params params,
                                  std::optional<std::chrono::milliseconds> timeout) {
  return lease_->query(sql, std::move(params), timeout ? timeout : options_.statement_timeout);
}

asio::awaitable<void> Tx::begin() {
  std::string sql = "BEGIN";
  if (options_.isolation) {
    switch (*options_.isolation) {
      case Isolation::read_committed:
        sql += " ISOLATION LEVEL READ COMMITTED";
        break;
      case Isolation::repeatable_read:
        sql += " ISOLATION LEVEL REPEATABLE READ";
        break;
      case Isolation::serializable:
        sql += " ISOLATION LEVEL SERIALIZABLE";
        break;
    }
  }
  if (options_.read_only) sql += " READ ONLY";
  co_await lease_->query(sql, {}, options_.statement_timeout);
}

asio::awaitable<void> Tx::commit() {
  Result r = co_await lease_->query("COMMIT", {}, options_.statement_timeout);
  if (r.command() == "ROLLBACK") {
    throw QueryError("transaction was aborted by an earlier error and has been rolled back",
                     std::string(sqlstate::in_failed_transaction));
  }
}

asio::awaitable<void> Tx::rollback() {
  try {
    co_await lease_->query("ROLLBACK", {}, options_.statement_timeout);
  } catch (...) {
    lease_->discard();  // closing the session ends the transaction on the server too
  }
}

}  // namespace uitgo::pg
