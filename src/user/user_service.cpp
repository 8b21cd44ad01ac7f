#include "user/user_service.hpp"

#include "core/service/dependencies.hpp"
#include "user/account_routes.hpp"
#include "user/driver_registration.hpp"
#include "user/home/routes.hpp"
#include "user/passwords.hpp"

namespace uitgo::user {
namespace {

config::Spec spec() {
  auto s = service::http_spec(8081);
  s.string("USER_DB_DSN", "host=127.0.0.1 port=15432 user=uitgo password=uitgo dbname=user_db",
           "libpq connection string of user_db");
  s.merge(service::postgres_pool_spec()).merge(service::redis_spec()).merge(service::migrations_spec());
  s.merge(auth::jwt_spec()).merge(service::internal_token_spec()).merge(home::home_spec());
  s.merge(driver_registration_spec());
  s.integer("PASSWORD_HASH_THREADS", 2, 1, 64,
            "threads hashing passwords (argon2id, ~65 ms and 64 MiB each); keep at or below the core count");
  s.integer("PASSWORD_HASH_QUEUE", 64, 1, 100000, "hashes waiting for a thread before login/register answer 503");
  return s;
}

int run(const config::Values& config) {
  service::Runtime runtime("user-service", config);
  auto jwt = service::install_jwt(runtime);  // verifies every request; issues tokens
  const auto internal_token = service::install_internal_token(runtime);
  auto db = service::make_pool(runtime, config.str("USER_DB_DSN"), "postgres");
  auto redis = service::make_redis(runtime);
  service::migrate_on_start(runtime, *db, "user");
  PasswordHasher hasher(static_cast<std::size_t>(config.integer("PASSWORD_HASH_THREADS")),
                        static_cast<std::size_t>(config.integer("PASSWORD_HASH_QUEUE")));
  add_account_routes(runtime.router(), {.db = *db, .hasher = hasher, .jwt = *jwt});
  home::add_routes(runtime, *db, *redis);
  add_driver_registration_route(runtime, *db, hasher, *jwt, internal_token);
  return runtime.run();
}

}  // namespace

service::Command command() { return {"user-service", "accounts, tokens, profiles, home content", spec, run}; }

}  // namespace uitgo::user
