// Schema migrations: dir/NNN_name.sql applied once each, in numeric order,
// each in its own transaction, recorded in schema_migrations. Safe to run from
// several instances starting at once (they serialize on an advisory lock).
// A file must not contain BEGIN/COMMIT, nor statements that refuse to run in a
// transaction block (CREATE INDEX CONCURRENTLY, VACUUM...).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "core/pg/pool.hpp"

namespace uitgo::pg {

struct MigrationOptions {
  // Waiting for another instance that is applying migrations.
  std::chrono::milliseconds lock_timeout{60'000};
  // One migration file; index builds can take a while.
  std::chrono::milliseconds statement_timeout{300'000};
};

// A migration file could not be listed, read or applied. Nothing of the
// failing file is kept; files applied before it stay applied.
class MigrationError : public std::runtime_error {
 public:
  MigrationError(std::string file, const std::string& message, std::string sqlstate = {})
      : std::runtime_error(message), file_(std::move(file)), sqlstate_(std::move(sqlstate)) {}
  const std::string& file() const noexcept { return file_; }
  const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  std::string file_;
  std::string sqlstate_;
};

// Returns how many files were applied by this call.
boost::asio::awaitable<int> run_migrations(Pool& pool, std::filesystem::path dir, MigrationOptions options = {});

}  // namespace uitgo::pg
