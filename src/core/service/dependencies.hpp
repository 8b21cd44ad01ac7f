// The standard way a service gets its Postgres pools and Redis client: one
// place that reads their config, registers /ready checks and pool metrics,
// and runs migrations before the server accepts requests.
#pragma once

#include <memory>
#include <string>

#include "core/base/config.hpp"
#include "core/pg/pool.hpp"
#include "core/redis/client.hpp"
#include "core/service/runtime.hpp"

namespace uitgo::service {

// PG_POOL_SIZE, PG_QUERY_TIMEOUT_MS, PG_CONNECT_TIMEOUT_MS, PG_ACQUIRE_TIMEOUT_MS.
config::Spec postgres_pool_spec();
// REDIS_URL, REDIS_TIMEOUT_MS.
config::Spec redis_spec();
// MIGRATIONS_DIR, STARTUP_TIMEOUT_MS.
config::Spec migrations_spec();

// A pool on `dsn`, probed by /ready as `name` and exported as pg_pool_* metrics.
std::unique_ptr<pg::Pool> make_pool(Runtime& runtime, const std::string& dsn, const std::string& name);
std::unique_ptr<redis::Client> make_redis(Runtime& runtime);

// Applies MIGRATIONS_DIR/<service>/*.sql at start, retrying while Postgres is
// not reachable yet (bounded by STARTUP_TIMEOUT_MS).
void migrate_on_start(Runtime& runtime, pg::Pool& pool, const std::string& service);

}  // namespace uitgo::service
