// Every route of trip-service, in one table. Handlers live with their area
// (lifecycle/, matching/, live/); the runtime adds /health, /ready, /metrics
// and the internal /internal/tasks routes of every service.
//
// Public (JWT; bodies and answers in SPEC.md "trip-service"):
//   POST  /v1/trips                   rider: create (Idempotency-Key honoured)
//   GET   /v1/trips                   rider/driver/admin: own trips (admin: all)
//   GET   /v1/trips/{id}              its rider, its driver, admin (anyone else 404)
//   GET   /v1/trips/{id}/ws           WebSocket (live/live_tracking.hpp)
//   POST  /v1/trips/{id}/accept       the offered driver
//   POST  /v1/trips/{id}/decline      the offered driver (the trip is re-matched)
//   POST|PATCH /v1/trips/{id}/status  {status, reason?} per lifecycle/state_machine.hpp
//
// Internal (X-Internal-Token; the matcher; contracts in peers/trip_client.hpp):
//   GET  /internal/trips/{id}, POST /internal/trips/{id}/offer,
//   POST /internal/trips/{id}/offer-expired, POST /internal/trips/{id}/cancel
#include "core/http/router.hpp"
#include "trip/app.hpp"
#include "trip/lifecycle/handlers.hpp"
#include "trip/live/live_tracking.hpp"
#include "trip/matching/handlers.hpp"

namespace uitgo::trip {

void add_routes(http::Router& router, std::shared_ptr<TripApp> app) {
  using http::Access;
  const auto anyone_signed_in = Access::roles_of({"rider", "driver", "admin"});
  const auto riders = Access::roles_of({"rider"});
  const auto drivers = Access::roles_of({"driver"});
  const auto internal = Access::internal_only();

  http::RouteTable<TripApp> routes(router, std::move(app));
  routes.add("POST", "/v1/trips", riders, lifecycle::create)
      .add("GET", "/v1/trips", anyone_signed_in, lifecycle::list)
      .add("GET", "/v1/trips/{id}", anyone_signed_in, lifecycle::get)
      .add("GET", "/v1/trips/{id}/ws", anyone_signed_in, live::open_socket)
      .add("POST", "/v1/trips/{id}/accept", drivers, matching::accept)
      .add("POST", "/v1/trips/{id}/decline", drivers, matching::decline)
      .add("POST", "/v1/trips/{id}/status", anyone_signed_in, lifecycle::change_status)
      .add("PATCH", "/v1/trips/{id}/status", anyone_signed_in, lifecycle::change_status)
      .add("GET", "/internal/trips/{id}", internal, matching::internal_get)
      .add("POST", "/internal/trips/{id}/offer", internal, matching::internal_offer)
      .add("POST", "/internal/trips/{id}/offer-expired", internal, matching::internal_offer_expired)
      .add("POST", "/internal/trips/{id}/cancel", internal, matching::internal_cancel);
}

}  // namespace uitgo::trip
