#include "driver/service.hpp"

#include "core/service/deny_list_sync.hpp"
#include "core/service/dependencies.hpp"
#include "core/service/peers.hpp"
#include "core/service/user_limits.hpp"
#include "driver/app.hpp"
#include "driver/matcher/matcher.hpp"

namespace uitgo::driver {
namespace {

config::Spec spec() {
  auto s = service::http_spec(8083);
  s.string("DRIVER_DB_DSN", "host=127.0.0.1 port=15432 user=uitgo password=uitgo dbname=driver_db",
           "libpq connection string of driver_db");
  s.merge(service::postgres_pool_spec())
      .merge(service::redis_spec())
      .merge(service::migrations_spec())
      .merge(auth::jwt_spec())
      .merge(service::internal_token_spec())
      .merge(service::user_limits_spec())
      .merge(service::deny_list_spec())
      .merge(service::peer_spec("TRIP_SERVICE"))
      .merge(settings_spec())
      .merge(summary_cache_spec())
      .merge(matcher_spec());
  return s;
}

int run(const config::Values& config) {
  service::Runtime runtime("driver-service", config);
  const auto jwt = service::install_jwt(runtime);
  const auto internal_token = service::install_internal_token(runtime);
  auto db = service::make_pool(runtime, config.str("DRIVER_DB_DSN"), "postgres");
  auto redis = service::make_redis(runtime);
  service::install_user_limits(runtime, *redis);
  const auto denied = service::install_deny_list(runtime, *redis, jwt);
  service::migrate_on_start(runtime, *db, "driver");
  service::warm_on_start(runtime, *db, "postgres");
  const auto app = install(runtime, *db, *redis, internal_token);
  return runtime.run();
}

}  // namespace

service::Command command() {
  return {"driver-service", "driver profiles, availability, locations, search, matching", spec, run};
}

}  // namespace uitgo::driver
