#include "core/pg/migrations.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace uitgo::pg {

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

// Arbitrary but fixed ("uitgomig"): every instance of every service must agree.
// Advisory locks are per database, so services with their own databases do
// not wait for each other.
constexpr std::int64_t kLockKey = 0x756974676f6d6967;

struct Migration {
  int version = 0;
  std::string name;
  std::string file;
  fs::path path;
};

std::vector<Migration> list_migrations(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw MigrationError(dir.string(), "migrations folder not found: " + dir.string());
  std::vector<Migration> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string file = entry.path().filename().string();
    if (!file.ends_with(".sql")) continue;
    // A misnamed .sql file is an error rather than silently skipped: it is
    // almost certainly a migration someone expects to run.
    const auto digits = file.find_first_not_of("0123456789");
    Migration m;
    auto [end, parse] = std::from_chars(file.data(), file.data() + digits, m.version);
    if (digits == 0 || file[digits] != '_' || parse != std::errc{} || file.size() <= digits + 1 + 4) {
      throw MigrationError(file, "migration file name must look like NNN_name.sql: " + file);
    }
    m.name = file.substr(digits + 1, file.size() - digits - 1 - 4);
    m.file = file;
    m.path = entry.path();
    found.push_back(std::move(m));
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < found.size(); ++i) {
    if (found[i].version == found[i - 1].version) {
      throw MigrationError(found[i].file,
                           "duplicate migration version: " + found[i - 1].file + " and " + found[i].file);
    }
  }
  return found;
}

std::string read_file(const Migration& m) {
  std::ifstream in(m.path, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  if (!in) throw MigrationError(m.file, "cannot read migration " + m.file);
  return body.str();
}

asio::awaitable<void> apply(Lease& lease, const Migration& m, const MigrationOptions& options) {
  const std::string body = read_file(m);
  std::string error;
  std::string state;
  try {
    co_await lease.query("BEGIN");
    co_await detail::LeaseAccess::script(lease, body, options.statement_timeout);
    co_await lease.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", {m.version, m.name});
    Result commit = co_await lease.query("COMMIT");
    if (commit.command() != "ROLLBACK") co_return;
    error = "the transaction was rolled back (does the file contain COMMIT or ROLLBACK?)";
  } catch (const QueryError& e) {
    error = e.what();
    state = e.sqlstate();
  } catch (const std::exception& e) {
    error = e.what();
  }
  try {
    co_await lease.query("ROLLBACK");
  } catch (...) {
    // Connection lost or timed out: the server rolls back on its own.
  }
  throw MigrationError(m.file, "migration " + m.file + " failed: " + error, state);
}

}  // namespace

asio::awaitable<int> run_migrations(Pool& pool, fs::path dir, MigrationOptions options) {
  const std::vector<Migration> migrations = list_migrations(dir);
  // One leased connection for the whole run: the advisory lock belongs to its session.
  Lease lease = co_await pool.acquire();
  int applied = 0;
  std::exception_ptr failure;
  try {
    co_await lease.query("SELECT pg_advisory_lock($1)", {kLockKey}, options.lock_timeout);
    // Created under the lock: concurrent CREATE TABLE IF NOT EXISTS can still collide.
    co_await lease.query(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version int PRIMARY KEY,"
        " name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    const Result done = co_await lease.query("SELECT version FROM schema_migrations");
    std::set<int> versions;
    for (int row = 0; row < done.rows(); ++row) versions.insert(done.get<int>(row, 0));
    for (const Migration& m : migrations) {
      if (versions.contains(m.version)) continue;
      co_await apply(lease, m, options);
      ++applied;
    }
    co_await lease.query("SELECT pg_advisory_unlock($1)", {kLockKey});
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    lease.discard();  // ending the session releases the advisory lock whatever state it is in
    std::rethrow_exception(failure);
  }
  co_return applied;
}

}  // namespace uitgo::pg
