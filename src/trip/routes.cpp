// trip-service's HTTP routes.
//
// Public (JWT):
//   POST  /v1/trips                   rider   {originText, destText, serviceId, originLat?, originLng?,
//                                             destLat?, destLng?} → 201 trip (+ Location). Optional
//                                             Idempotency-Key header: the same key from the same rider
//                                             returns the same trip (201, header Idempotent-Replayed: true,
//                                             the trip as it is now); the same key with a different body
//                                             → 422 idempotency_key_reused.
//   GET   /v1/trips?limit&offset&status   rider/driver/admin: own trips (admin: all), newest first,
//                                             {items, total, limit, offset}
//   GET   /v1/trips/{id}              its rider, its driver, admin (anyone else 404); lastLocation
//                                             {lat, lng, timestamp} once the driver sent one over the WebSocket
//   GET   /v1/trips/{id}/ws           WebSocket (live_tracking.hpp)
//   POST  /v1/trips/{id}/accept       the offered driver → 200 trip (accepted); repeating it → 200
//   POST  /v1/trips/{id}/decline      the offered driver → 200 trip (requested, driverId null;
//                                             the driver is excluded and the trip re-matched)
//   POST|PATCH /v1/trips/{id}/status  {status, reason?} per state_machine.hpp → 200 trip;
//                                             409 invalid_transition, 403 forbidden (edge not yours)
//
// Internal (X-Internal-Token; the matcher in driver-service):
//   GET  /internal/trips/{id}
//        → 200 {id, riderId, driverId, status, serviceId, originLat, originLng, destLat, destLng,
//               createdAt, createdAtMs, updatedAt, offeredAt, matchAttempt, cancelReason,
//               ageMs, offerAgeMs (null without a pending offer),
//               excludedDriverIds: [every driver this trip was ever offered to, any outcome],
//               offers: [{driverId, attempt, outcome, offeredAt, resolvedAt}]}
//        ageMs/offerAgeMs are computed by Postgres, so no clock skew between services matters.
//        404 when the trip does not exist.
//   POST /internal/trips/{id}/offer {driverId, attempt?}
//        Offers the trip to driverId: driverId set, offeredAt = now, status stays requested.
//        → 200 {...the GET fields without offers..., "created": true}  the offer was made now;
//          200 {..., "created": false}  the trip already is this driver's (pending offer, or
//                                       accepted and beyond): a redelivered event or retried call;
//                                       keep the reservation, assign nothing new.
//          409 {code: "offer_pending"}   another driver's offer is pending  → release your driver
//          409 {code: "driver_excluded"} this driver was offered this trip before → release, pick another
//          409 {code: "trip_closed"}     the trip is cancelled/completed or another driver has it
//                                       → release your driver, drop the event
//          404 not_found                 no such trip → release, drop the event
//   POST /internal/trips/{id}/offer-expired {driverId}
//        The offer was not answered within OFFER_TIMEOUT_SECONDS.
//        → 200 {..., "expired": true,  "offerOutcome": "expired"}  ended now: driverId cleared, driver
//                                        excluded, driver released and a re-match event (attempt + 1)
//                                        published by trip-service (the caller releases nothing)
//          200 {..., "expired": false, "offerOutcome": "declined"|"expired"|"withdrawn"} already ended
//          409 {code: "offer_not_pending"} the driver accepted: nothing to do
//          404 the trip does not exist or was never offered to this driver
//   POST /internal/trips/{id}/cancel {reason}   (e.g. no_driver after MATCH_DEADLINE_SECONDS)
//        Only while requested; a pending offer is withdrawn and its driver released.
//        → 200 trip (also when it already was cancelled); 409 invalid_transition once a driver
//          accepted; 404 no such trip.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/base/ids.hpp"
#include "core/base/json_body.hpp"
#include "trip/app.hpp"
#include "trip/live_messages.hpp"
#include "trip/location_store.hpp"

namespace uitgo::trip {
namespace {

using http::Request;
using http::Response;

std::string trip_id(const Request& request) { return *normalize_uuid(path_uuid(request.path_param("id"), "trip")); }

template <typename T>
boost::json::value nullable(const std::optional<T>& v) {
  if (!v) return nullptr;
  return boost::json::value(*v);
}

boost::json::object internal_json(const Trip& t) {
  boost::json::object o;
  o["id"] = t.id;
  o["riderId"] = t.rider_id;
  o["driverId"] = nullable(t.driver_id);
  o["status"] = to_string(t.status);
  o["serviceId"] = t.service_id;
  o["originLat"] = nullable(t.origin_lat);
  o["originLng"] = nullable(t.origin_lng);
  o["destLat"] = nullable(t.dest_lat);
  o["destLng"] = nullable(t.dest_lng);
  o["createdAt"] = t.created_at;
  o["createdAtMs"] = t.created_at_ms;
  o["updatedAt"] = t.updated_at;
  o["offeredAt"] = nullable(t.offered_at);
  o["matchAttempt"] = t.match_attempt;
  o["cancelReason"] = nullable(t.cancel_reason);
  return o;
}

// ---- public

awaitable<Response> create(TripApp& app, Request& request) {
  const auto input = json::parse_body<CreateTripRequest>(request.body);
  const auto key = parse_idempotency_key(request.header("idempotency-key"));
  const auto result = co_await app.trips.create(request.caller(), input, key, request.request_id);
  auto response = Response::json(201, public_json(result.trip));
  response.with_header("Location", "/v1/trips/" + result.trip.id);
  if (result.replayed) response.with_header("Idempotent-Replayed", "true");
  co_return response;
}

awaitable<Response> list(TripApp& app, Request& request) {
  const auto query =
      ListQuery::parse(request.query_param("limit"), request.query_param("offset"), request.query_param("status"));
  const auto page = co_await app.trips.list(request.caller(), query);
  boost::json::array items;
  items.reserve(page.items.size());
  for (const auto& t : page.items) items.emplace_back(public_json(t));
  co_return Response::json(
      200, boost::json::object{
               {"items", std::move(items)}, {"total", page.total}, {"limit", query.limit}, {"offset", query.offset}});
}

awaitable<Response> get(TripApp& app, Request& request) {
  const auto id = trip_id(request);
  const auto trip = co_await app.trips.get(request.caller(), id);
  auto body = public_json(trip);
  // Written by live tracking (WebSocket location messages of the driver).
  if (const auto at = co_await app.trips.live_location(request.caller(), id)) {
    body["lastLocation"] =
        boost::json::object{{"lat", at->lat}, {"lng", at->lng}, {"timestamp", live::format_timestamp(at->recorded_ms)}};
  }
  co_return Response::json(200, body);
}

awaitable<Response> change_status(TripApp& app, Request& request) {
  const auto id = trip_id(request);
  const auto input = json::parse_body<StatusRequest>(request.body);
  const auto trip = co_await app.trips.change_status(request.caller(), id, input);
  co_return Response::json(200, public_json(trip));
}

awaitable<Response> accept(TripApp& app, Request& request) {
  const auto id = trip_id(request);
  const auto trip = co_await app.trips.accept(request.caller(), id);
  co_return Response::json(200, public_json(trip));
}

awaitable<Response> decline(TripApp& app, Request& request) {
  const auto id = trip_id(request);
  const auto trip = co_await app.trips.decline(request.caller(), id);
  co_return Response::json(200, public_json(trip));
}

// ---- internal

awaitable<Response> internal_get(TripApp& app, Request& request) {
  const auto id = trip_id(request);
  const auto view = co_await app.trips.internal(id);
  auto body = internal_json(view.trip);
  body["ageMs"] = view.age_ms;
  body["offerAgeMs"] = nullable(view.offer_age_ms);
  boost::json::array excluded;
  boost::json::array offers;
  for (const auto& o : view.offers) {
    excluded.emplace_back(o.driver_id);
    offers.emplace_back(boost::json::object{{"driverId", o.driver_id},
                                            {"attempt", o.attempt},
                                            {"outcome", o.outcome},
                                            {"offeredAt", o.offered_at},
                                            {"resolvedAt", nullable(o.resolved_at)}});
  }
  body["excludedDriverIds"] = std::move(excluded);
  body["offers"] = std::move(offers);
  co_return Response::json(200, body);
}

awaitable<Response> internal_offer(TripApp& app, Request& request) {
  const auto id = trip_id(request);
  const auto input = json::parse_body<OfferRequest>(request.body);
  const auto result = co_await app.trips.offer(id, input);
  auto body = internal_json(result.trip);
  body["created"] = result.fresh;
  co_return Response::json(200, body);
}

awaitable<Response> internal_offer_expired(TripApp& app, Request& request) {
  const auto id = trip_id(request);
  const auto input = json::parse_body<DriverRequest>(request.body);
  const std::string actor = "matcher";
  const auto result = co_await app.trips.expire_offer(id, input.driver_id, actor, "matcher");
  auto body = internal_json(result.trip);
  body["expired"] = result.expired_now;
  body["offerOutcome"] = result.outcome;
  co_return Response::json(200, body);
}

awaitable<Response> internal_cancel(TripApp& app, Request& request) {
  const auto id = trip_id(request);
  const auto input = json::parse_body<CancelRequest>(request.body);
  const std::string actor = "matcher";
  const auto trip = co_await app.trips.cancel_unmatched(id, input.reason, actor, "matcher");
  co_return Response::json(200, internal_json(trip));
}

}  // namespace

void add_routes(http::Router& router, std::shared_ptr<TripApp> app) {
  using Handler = awaitable<Response> (*)(TripApp&, Request&);
  const auto bind = [app](Handler handler) {
    return [app, handler](Request& request) { return handler(*app, request); };
  };
  const auto everyone = http::Access::roles_of({"rider", "driver", "admin"});
  router.add("POST", "/v1/trips", bind(create), http::Access::roles_of({"rider"}));
  router.add("GET", "/v1/trips", bind(list), everyone);
  router.add("GET", "/v1/trips/{id}", bind(get), everyone);
  router.add("POST", "/v1/trips/{id}/accept", bind(accept), http::Access::roles_of({"driver"}));
  router.add("POST", "/v1/trips/{id}/decline", bind(decline), http::Access::roles_of({"driver"}));
  router.add("POST", "/v1/trips/{id}/status", bind(change_status), everyone);
  router.add("PATCH", "/v1/trips/{id}/status", bind(change_status), everyone);

  const auto internal = http::Access::internal_only();
  router.add("GET", "/internal/trips/{id}", bind(internal_get), internal);
  router.add("POST", "/internal/trips/{id}/offer", bind(internal_offer), internal);
  router.add("POST", "/internal/trips/{id}/offer-expired", bind(internal_offer_expired), internal);
  router.add("POST", "/internal/trips/{id}/cancel", bind(internal_cancel), internal);
}

}  // namespace uitgo::trip
