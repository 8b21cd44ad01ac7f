// SQL on the stack's PostgreSQL straight through libpq, bypassing the services.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct pg_conn;

namespace uitgo::test {

// Every row as text cells; NULL is "<null>".
using Rows = std::vector<std::vector<std::string>>;

// A connection or a statement failed.
struct SqlError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Runs `query` on a fresh connection to `dsn` (notices discarded).
Rows sql(const std::string& dsn, const std::string& query);

// The first cell of the first row ("" when there is no row).
std::string scalar(const std::string& dsn, const std::string& query);

// One connection kept open across statements: a test holds a transaction
// (BEGIN ... COMMIT over several run() calls) while the services work.
class SqlSession {
 public:
  explicit SqlSession(const std::string& dsn);
  ~SqlSession();
  SqlSession(const SqlSession&) = delete;
  SqlSession& operator=(const SqlSession&) = delete;

  Rows run(const std::string& query);

 private:
  pg_conn* conn_;
};

}  // namespace uitgo::test
