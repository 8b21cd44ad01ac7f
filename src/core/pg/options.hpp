#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace uitgo::pg {

struct Options {
  std::string dsn;  // libpq keyword/value string or postgresql:// URI
  std::size_t max_size = 16;
  std::chrono::milliseconds query_timeout{5000};
  std::chrono::milliseconds connect_timeout{3000};
  // How long acquire() waits for a free connection before OverloadedError.
  std::chrono::milliseconds acquire_timeout{1000};
  // Callers queued beyond this fail at once with OverloadedError instead of
  // piling up behind a slow database.
  std::size_t max_waiters = 1024;
  std::string name = "pg";  // prefixes error messages; use it as a metrics label
};

struct PoolStats {
  std::size_t size = 0;  // open connections plus ones being opened
  std::size_t idle = 0;
  std::size_t in_use = 0;   // leased or being opened
  std::size_t waiting = 0;  // callers queued in acquire()
};

}  // namespace uitgo::pg
