// The standard way a service gets its Postgres pools and Redis client: one
// place that reads their config, registers /ready checks and pool metrics,
// and runs migrations before the server accepts requests.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/auth/jwt.hpp"
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

// Builds the Jwt from JWT_SECRET / JWT_ACCESS_TTL_SECONDS / UITGO_DEV_MODE
// (merge auth::jwt_spec() into the service's spec) and installs the
// JwtAuthenticator on the runtime. Returns the Jwt for services that issue
// tokens. Throws config::ConfigError when the secret is missing or short.
std::shared_ptr<const auth::Jwt> install_jwt(Runtime& runtime);

// INTERNAL_TOKEN. Merge together with auth::jwt_spec(), which declares the
// UITGO_DEV_MODE switch both secrets honour.
config::Spec internal_token_spec();
// Requires internal routes to carry X-Internal-Token = INTERNAL_TOKEN and
// returns the token for this service's own outbound calls. Throws
// config::ConfigError when it is missing or short outside dev mode.
std::string install_internal_token(Runtime& runtime);

// How a pool's server matters to the service.
struct PoolRole {
  // Caps the pool's query, connect and acquire timeouts (for a server the
  // caller can do without, such as a read replica, that must fail fast).
  std::optional<std::chrono::milliseconds> deadline = {};
  // Whether /ready fails when the server does not answer. False for a server
  // the service works without (a read replica: reads fall back to the
  // primary), so its outage does not take every instance out of rotation.
  bool gates_readiness = true;
};

// A pool on `dsn`, exported as pg_pool_*{pool=name} metrics and, if its role
// says so, probed by /ready as `name`.
std::unique_ptr<pg::Pool> make_pool(Runtime& runtime, const std::string& dsn, const std::string& name,
                                    PoolRole role = {});
std::unique_ptr<redis::Client> make_redis(Runtime& runtime);

// Applies MIGRATIONS_DIR/<service>/*.sql at start, retrying while Postgres is
// not reachable yet (bounded by STARTUP_TIMEOUT_MS).
void migrate_on_start(Runtime& runtime, pg::Pool& pool, const std::string& service);

// Opens PG_POOL_WARM connections of `pool` at start (after the steps
// registered before it), so the first requests after a start or a deploy do
// not each pay for connecting and authenticating. A failure is only logged.
void warm_on_start(Runtime& runtime, pg::Pool& pool, const std::string& name);

}  // namespace uitgo::service
