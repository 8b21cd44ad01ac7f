// Home content of user-service: GET /promotions, GET /news (anyone, read
// through the Redis cache) and the admin routes that manage them
// (POST /admin/promotions, PATCH|DELETE /admin/promotions/{id}, same for
// /admin/news), which invalidate the cache after their write commits.
#pragma once

#include "core/base/config.hpp"
#include "core/pg/pool.hpp"
#include "core/redis/client.hpp"
#include "core/service/runtime.hpp"

namespace uitgo::user::home {

// HOME_CACHE_ENABLED, HOME_CACHE_TTL_SECONDS, HOME_CACHE_TIMEOUT_MS.
config::Spec home_spec();

// Registers the routes. `db` and `redis` must outlive runtime.run().
void add_routes(service::Runtime& runtime, pg::Pool& db, redis::Client& redis);

}  // namespace uitgo::user::home
