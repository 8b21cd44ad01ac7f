// Every route of driver-service, in one table. Handlers live with their area
// (profiles/, location/, search/, matcher/); the runtime adds /health,
// /ready, /metrics and the internal /internal/tasks routes of every service.
//
//   POST  /v1/drivers                      driver: create own profile → 201 (409 if it exists)
//   GET   /v1/drivers/me                   driver: own profile (404 without one)
//   PATCH /v1/drivers/me                   driver: partial update
//   PATCH /v1/drivers/{id}/status          that driver ({id} = own id or "me") or admin;
//                                          anyone else → 403 (checked before existence)
//   PUT   /v1/drivers/me/location          driver → 204; 404 no profile, 409 offline
//   GET   /v1/drivers/search               rider, admin
// Internal (X-Internal-Token; contracts in peers/driver_client.hpp):
//   POST /internal/drivers, DELETE /internal/drivers/{id}, PUT /internal/drivers/{id}/location,
//   POST /internal/drivers/{id}/reserve, POST /internal/drivers/{id}/release, POST /internal/match
#include "core/http/router.hpp"
#include "driver/app.hpp"
#include "driver/location/handlers.hpp"
#include "driver/matcher/handlers.hpp"
#include "driver/profiles/handlers.hpp"
#include "driver/search/handlers.hpp"

namespace uitgo::driver {

void add_routes(http::Router& router, std::shared_ptr<DriverApp> app) {
  using http::Access;
  const auto drivers = Access::roles_of({"driver"});
  const auto internal = Access::internal_only();

  http::RouteTable<DriverApp> routes(router, std::move(app));
  routes.add("POST", "/v1/drivers", drivers, profiles::create_own)
      .add("GET", "/v1/drivers/me", drivers, profiles::get_own)
      .add("PATCH", "/v1/drivers/me", drivers, profiles::update_own)
      .add("PATCH", "/v1/drivers/{id}/status", Access::user(), profiles::set_status)
      .add("PUT", "/v1/drivers/me/location", drivers.limited_as("pings"), location::update_own)
      .add("GET", "/v1/drivers/search", Access::roles_of({"rider", "admin"}).limited_as("search"), search::nearest)
      .add("POST", "/internal/drivers", internal, profiles::create_internal)
      .add("DELETE", "/internal/drivers/{id}", internal, profiles::delete_internal)
      .add("PUT", "/internal/drivers/{id}/location", internal, location::update_internal)
      .add("POST", "/internal/drivers/{id}/reserve", internal, matching::reserve)
      .add("POST", "/internal/drivers/{id}/release", internal, matching::release)
      .add("POST", "/internal/match", internal, matching::match);
}

}  // namespace uitgo::driver
