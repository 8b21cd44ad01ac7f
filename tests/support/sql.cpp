#include "support/sql.hpp"

#include <libpq-fe.h>

#include <memory>

namespace uitgo::test {
namespace {

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

// Notices (e.g. "relation already exists, skipping") are not test output.
void discard_notice(void* /*arg*/, const char* /*message*/) {}

Connection connect(const std::string& dsn) {
  Connection conn(PQconnectdb(dsn.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw SqlError("connect " + dsn + ": " + PQerrorMessage(conn.get()));
  }
  PQsetNoticeProcessor(conn.get(), discard_notice, nullptr);
  return conn;
}

Rows rows_of(PGresult* res) {
  Rows rows;
  for (int r = 0; r < PQntuples(res); ++r) {
    std::vector<std::string> row;
    for (int c = 0; c < PQnfields(res); ++c) {
      row.emplace_back(PQgetisnull(res, r, c) ? "<null>" : PQgetvalue(res, r, c));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Rows run_on(PGconn* conn, const std::string& query) {
  const Result res(PQexec(conn, query.c_str()), &PQclear);
  const auto status = PQresultStatus(res.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    throw SqlError(query + ": " + PQerrorMessage(conn));
  }
  return rows_of(res.get());
}

}  // namespace

Rows sql(const std::string& dsn, const std::string& query) { return run_on(connect(dsn).get(), query); }

SqlSession::SqlSession(const std::string& dsn) : conn_(connect(dsn).release()) {}

SqlSession::~SqlSession() { PQfinish(conn_); }

Rows SqlSession::run(const std::string& query) { return run_on(conn_, query); }

std::string scalar(const std::string& dsn, const std::string& query) {
  const auto rows = sql(dsn, query);
  return rows.empty() || rows[0].empty() ? std::string() : rows[0][0];
}

}  // namespace uitgo::test
