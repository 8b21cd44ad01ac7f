// driver-service's HTTP routes, by area. Who may call what:
//   POST  /v1/drivers                       driver   create own profile → 201 (409 if it exists)
//   GET   /v1/drivers/me                    driver   own profile (404 without one)
//   PATCH /v1/drivers/me                    driver   partial update
//   PATCH /v1/drivers/{id}/status           that driver ({id} = own id or "me") or admin;
//                                                    anyone else → 403 (checked before existence)
//   PUT   /v1/drivers/me/location           driver   → 204; 404 no profile, 409 offline
//   GET   /v1/drivers/search                rider, admin
//   POST  /internal/drivers                 X-Internal-Token: create for user-service (idempotent)
//   DELETE /internal/drivers/{id}           X-Internal-Token: compensation of the above → 204
//   PUT   /internal/drivers/{id}/location   X-Internal-Token: as /v1/drivers/me/location for that driver
//                                                    (trip-service forwards WebSocket locations)
//   POST  /internal/drivers/{id}/reserve    X-Internal-Token: {tripId} → 200 | 409 not free
//   POST  /internal/drivers/{id}/release    X-Internal-Token: {tripId} → 200 | 409 not held
#pragma once

#include <memory>

#include "core/http/router.hpp"

namespace uitgo::driver {

struct DriverApp;

void add_profile_routes(http::Router& router, std::shared_ptr<DriverApp> app);
void add_availability_routes(http::Router& router, std::shared_ptr<DriverApp> app);
void add_search_routes(http::Router& router, std::shared_ptr<DriverApp> app);

}  // namespace uitgo::driver
