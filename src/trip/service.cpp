#include "trip/service.hpp"

#include "core/service/deny_list_sync.hpp"
#include "core/service/dependencies.hpp"
#include "core/service/peers.hpp"
#include "core/service/user_limits.hpp"
#include "trip/app.hpp"

namespace uitgo::trip {
namespace {

config::Spec spec() {
  auto s = service::http_spec(8082);
  s.string("TRIP_DB_DSN", "host=127.0.0.1 port=15432 user=uitgo password=uitgo dbname=trip_db",
           "libpq connection string of the trip_db primary (all writes)");
  s.string("TRIP_DB_REPLICA_DSN", "",
           "libpq connection string of a trip_db streaming replica for reads; unset = read from the primary");
  s.merge(service::postgres_pool_spec())
      .merge(service::redis_spec())
      .merge(service::migrations_spec())
      .merge(auth::jwt_spec())
      .merge(service::internal_token_spec())
      .merge(service::user_limits_spec())
      .merge(service::deny_list_spec())
      .merge(service::peer_spec("DRIVER_SERVICE"))
      .merge(service::peer_spec("USER_SERVICE"))
      .merge(settings_spec())
      .merge(live_spec())
      .merge(read_routing_spec())
      .merge(routing_spec());
  return s;
}

int run(const config::Values& config) {
  service::Runtime runtime("trip-service", config);
  const auto jwt = service::install_jwt(runtime);
  const auto internal_token = service::install_internal_token(runtime);
  auto primary = service::make_pool(runtime, config.str("TRIP_DB_DSN"), "postgres");
  std::unique_ptr<pg::Pool> replica;
  if (config.has("TRIP_DB_REPLICA_DSN")) {
    const auto deadline = ReadRoutingSettings::from(config).replica_timeout;
    // Not a readiness condition: reads fall back to the primary (trip_replica_up says whether it answers).
    replica = service::make_pool(runtime, config.str("TRIP_DB_REPLICA_DSN"), "postgres_replica",
                                 service::PoolRole{.deadline = deadline, .gates_readiness = false});
  }
  auto redis = service::make_redis(runtime);
  service::install_user_limits(runtime, *redis);
  const auto denied = service::install_deny_list(runtime, *redis, jwt);
  service::migrate_on_start(runtime, *primary, "trip");
  service::warm_on_start(runtime, *primary, "postgres");
  if (replica) service::warm_on_start(runtime, *replica, "postgres_replica");
  const auto app = install(runtime, *primary, replica.get(), *redis, internal_token);
  denied->on_denied([live = app->live.get()](const std::vector<std::string>& users) { live->revoke(users); });
  return runtime.run();
}

}  // namespace

service::Command command() {
  return {"trip-service", "trips, state machine, matching outbox, live tracking", spec, run};
}

}  // namespace uitgo::trip
