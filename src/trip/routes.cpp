// Every route of trip-service, in one table. Handlers live with their area
// (lifecycle/, matching/, live/); the runtime adds /health, /ready, /metrics
// and the internal /internal/tasks routes of every service.
//
// Public (JWT; bodies and answers in SPEC.md "trip-service"):
//   POST  /v1/trips                   rider: create (Idempotency-Key honoured); admin: a booking,
//                                     for {riderId} or the admin (matching/dispatch.hpp)
//   GET   /v1/trips                   rider/driver/admin: own trips (admin: all; a driver's
//                                     include the offers pending for it); limit/offset or page/pageSize
//   GET   /v1/trips/{id}              its rider, its driver, admin (anyone else 404)
//   GET   /v1/trips/{id}/ws           WebSocket (live/live_tracking.hpp)
//   POST  /v1/trips/{id}/accept       the offered driver
//   POST  /v1/trips/{id}/decline      the offered driver (the trip is re-matched)
//   POST|PATCH /v1/trips/{id}/status  {status, reason?} per lifecycle/state_machine.hpp
//   POST  /v1/trips/{id}/assign       admin: {driverId}, manual dispatch (matching/dispatch.hpp)
//   POST  /routes                     signed in: {origin, destination} → a route (routing/directions.hpp)
//
// Internal (X-Internal-Token; the matcher; contracts in peers/trip_client.hpp):
//   GET  /internal/trips/{id}, POST /internal/trips/{id}/offer,
//   POST /internal/trips/{id}/offer-expired, POST /internal/trips/{id}/cancel,
//   POST /internal/trips/lookup, POST /internal/trips/offers (batches)
#include "core/http/router.hpp"
#include "trip/app.hpp"
#include "trip/lifecycle/handlers.hpp"
#include "trip/live/live_tracking.hpp"
#include "trip/matching/handlers.hpp"
#include "trip/routing/handlers.hpp"

namespace uitgo::trip {

void add_routes(http::Router& router, std::shared_ptr<TripApp> app) {
  using http::Access;
  const auto anyone_signed_in = Access::roles_of({"rider", "driver", "admin"});
  const auto drivers = Access::roles_of({"driver"});
  const auto admins = Access::roles_of({"admin"});
  const auto bookers = Access::roles_of({"rider", "admin"});
  const auto internal = Access::internal_only();

  http::RouteTable<TripApp> routes(router, std::move(app));
  routes.add("POST", "/v1/trips", bookers, lifecycle::create)
      .add("GET", "/v1/trips", anyone_signed_in, lifecycle::list)
      .add("GET", "/v1/trips/{id}", anyone_signed_in, lifecycle::get)
      .add("GET", "/v1/trips/{id}/ws", anyone_signed_in, live::open_socket)
      .add("POST", "/v1/trips/{id}/accept", drivers, matching::accept)
      .add("POST", "/v1/trips/{id}/decline", drivers, matching::decline)
      .add("POST", "/v1/trips/{id}/assign", admins, matching::assign)
      .add("POST", "/routes", Access::user(), routing::route)
      .add("POST", "/v1/trips/{id}/status", anyone_signed_in, lifecycle::change_status)
      .add("PATCH", "/v1/trips/{id}/status", anyone_signed_in, lifecycle::change_status)
      .add("GET", "/internal/trips/{id}", internal, matching::internal_get)
      .add("POST", "/internal/trips/{id}/offer", internal, matching::internal_offer)
      .add("POST", "/internal/trips/lookup", internal, matching::internal_lookup)
      .add("POST", "/internal/trips/offers", internal, matching::internal_offers)
      .add("POST", "/internal/trips/{id}/offer-expired", internal, matching::internal_offer_expired)
      .add("POST", "/internal/trips/{id}/cancel", internal, matching::internal_cancel);
}

}  // namespace uitgo::trip
