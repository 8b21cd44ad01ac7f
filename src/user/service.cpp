#include "user/service.hpp"

#include "core/service/deny_list_sync.hpp"
#include "core/service/dependencies.hpp"
#include "core/service/peers.hpp"
#include "core/service/user_limits.hpp"
#include "user/app.hpp"

namespace uitgo::user {
namespace {

config::Spec spec() {
  auto s = service::http_spec(8081);
  s.string("USER_DB_DSN", "host=127.0.0.1 port=15432 user=uitgo password=uitgo dbname=user_db",
           "libpq connection string of user_db");
  s.merge(service::postgres_pool_spec()).merge(service::redis_spec()).merge(service::migrations_spec());
  s.merge(auth::jwt_spec())
      .merge(service::internal_token_spec())
      .merge(service::user_limits_spec())
      .merge(service::deny_list_spec())
      .merge(service::peer_spec("DRIVER_SERVICE"));
  s.merge(home::home_spec()).merge(settings_spec());
  return s;
}

int run(const config::Values& config) {
  service::Runtime runtime("user-service", config);
  const auto jwt = service::install_jwt(runtime);  // verifies every request; issues tokens
  const auto internal_token = service::install_internal_token(runtime);
  auto db = service::make_pool(runtime, config.str("USER_DB_DSN"), "postgres");
  auto redis = service::make_redis(runtime);
  service::install_user_limits(runtime, *redis);
  service::migrate_on_start(runtime, *db, "user");
  service::warm_on_start(runtime, *db, "postgres");
  const auto app = install(runtime, *db, *redis, *jwt, internal_token);
  app->denied = service::install_deny_list(runtime, *redis, jwt);
  return runtime.run();
}

}  // namespace

service::Command command() { return {"user-service", "accounts, tokens, profiles, home content", spec, run}; }

}  // namespace uitgo::user
