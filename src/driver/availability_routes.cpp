// Availability, live location and reservations:
// PATCH /v1/drivers/{id}/status, PUT /v1/drivers/me/location,
// PUT /internal/drivers/{id}/location (trip-service's live tracking),
// POST /internal/drivers/{id}/reserve and /release.
#include <boost/json/object.hpp>

#include "core/base/ids.hpp"
#include "core/base/log.hpp"
#include "driver/route_helpers.hpp"
#include "driver/routes.hpp"
#include "driver/timestamps.hpp"

namespace uitgo::driver {
namespace {

using http::Request;
using http::Response;

// A client clock a little ahead of ours is tolerated; further is a bad value.
constexpr std::int64_t kFutureToleranceMs = 60'000;

// Only the driver itself (role driver, sub = id) or an admin; decided before
// looking the driver up, so the answer (403) says nothing about whether the
// id exists.
awaitable<Response> set_status(DriverApp& app, Request& request) {
  const auto id = path_driver_id(request);
  const auto& caller = request.caller();
  const bool self = caller.role == "driver" && is_uuid(caller.user_id) && lower_uuid(caller.user_id) == id;
  if (caller.role != "admin" && !self) {
    throw HttpError::forbidden("only the driver or an admin may change a driver's status");
  }
  const auto input = json::parse_body<StatusInput>(request.body);
  std::optional<Profile> profile;
  if (input.online) {
    profile = co_await app.profiles.set_online(id, true);
    if (!profile) throw HttpError::not_found("driver not found");
    // Searchable at once when the last stored location is still fresh;
    // otherwise with the next location ping.
    std::optional<Fix> fix;
    if (profile->location && profile->location->recorded_at_ms >= now_ms() - app.index.stale_ms()) {
      fix = profile->location;
    }
    co_await app.index.go_online(id, fix, profile->current_trip_id);
  } else {
    // Redis first: the driver leaves search at once. Should the Postgres write
    // fail, the next ping restores the index from Postgres (still online).
    co_await app.index.go_offline(id);
    profile = co_await app.profiles.set_online(id, false);
    if (!profile) throw HttpError::not_found("driver not found");
  }
  log::info("driver status changed",
            {{"driverId", id}, {"online", input.online}, {"by", caller.user_id}, {"request_id", request.request_id}});
  co_return co_await profile_response(app, std::move(*profile));
}

// The GEO index first (searchable at once), then the buffered history.
awaitable<void> apply_location(DriverApp& app, const std::string& id, const LocationInput& input) {
  const auto now = now_ms();
  if (input.recorded_at_ms && *input.recorded_at_ms > now + kFutureToleranceMs) {
    throw HttpError::validation("recordedAt", "recordedAt is in the future");
  }
  bool accepted = co_await app.index.update_location(id, input.lat, input.lng, now);
  if (!accepted) {
    const auto state = co_await app.profiles.state(id);
    if (!state) throw HttpError::not_found("driver profile not found");
    if (!state->online) throw HttpError::conflict("the driver is offline: set the status to online first");
    // Online in Postgres but unknown to Redis (flushed or restarted): restore
    // the driver's entry, reservation included, and apply the ping.
    co_await app.index.go_online(id, std::nullopt, state->current_trip_id);
    accepted = co_await app.index.update_location(id, input.lat, input.lng, now);
    if (!accepted) throw UnavailableError("the driver index did not take the location");
  }
  app.writer.add({.driver_id = id,
                  .lat = input.lat,
                  .lng = input.lng,
                  .heading = input.heading,
                  .speed_kmh = input.speed_kmh,
                  .recorded_ms = input.recorded_at_ms.value_or(now),
                  .received_ms = now});
}

awaitable<Response> update_location(DriverApp& app, Request& request) {
  const auto id = caller_driver_id(request);
  const auto input = json::parse_body<LocationInput>(request.body);
  co_await apply_location(app, id, input);
  co_return Response::no_content();
}

// The same for a location that reached trip-service over a trip's WebSocket.
awaitable<Response> update_location_internal(DriverApp& app, Request& request) {
  const auto id = path_driver_id(request);
  const auto input = json::parse_body<LocationInput>(request.body);
  co_await apply_location(app, id, input);
  co_return Response::no_content();
}

boost::json::object reservation_body(const std::string& driver_id, const std::string& trip_id, const char* flag) {
  return {{"driverId", driver_id}, {"tripId", trip_id}, {flag, true}};
}

awaitable<Response> reserve(DriverApp& app, Request& request) {
  const auto id = path_driver_id(request);
  const auto input = json::parse_body<TripInput>(request.body);
  const auto outcome = co_await app.index.reserve(id, input.trip_id, now_ms());
  if (outcome == Reservation::not_free) {
    const auto state = co_await app.profiles.state(id);
    if (!state) throw HttpError::not_found("driver not found");
    throw HttpError::conflict("the driver is not free");
  }
  // Postgres records the busy state too (SQL search, warm-up). If that fails,
  // a fresh reservation is undone so the driver is not lost to matching.
  std::exception_ptr failure;
  try {
    if (!co_await app.profiles.set_trip(id, input.trip_id)) throw HttpError::not_found("driver not found");
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    if (outcome == Reservation::reserved) co_await app.index.release(id, input.trip_id, now_ms());
    std::rethrow_exception(failure);
  }
  log::info("driver reserved", {{"driverId", id}, {"tripId", input.trip_id}, {"request_id", request.request_id}});
  co_return Response::json(200, reservation_body(id, input.trip_id, "reserved"));
}

awaitable<Response> release(DriverApp& app, Request& request) {
  const auto id = path_driver_id(request);
  const auto input = json::parse_body<TripInput>(request.body);
  if (!co_await app.release_reservation(id, input.trip_id)) {
    const auto state = co_await app.profiles.state(id);
    if (!state) throw HttpError::not_found("driver not found");
    throw HttpError::conflict("the driver is not reserved for this trip");
  }
  log::info("driver released", {{"driverId", id}, {"tripId", input.trip_id}, {"request_id", request.request_id}});
  co_return Response::json(200, reservation_body(id, input.trip_id, "released"));
}

}  // namespace

void add_availability_routes(http::Router& router, std::shared_ptr<DriverApp> app) {
  router.add("PATCH", "/v1/drivers/{id}/status", route(app, set_status), http::Access::user());
  router.add("PUT", "/v1/drivers/me/location", route(app, update_location), http::Access::roles_of({"driver"}));
  router.add("PUT", "/internal/drivers/{id}/location", route(app, update_location_internal),
             http::Access::internal_only());
  router.add("POST", "/internal/drivers/{id}/reserve", route(app, reserve), http::Access::internal_only());
  router.add("POST", "/internal/drivers/{id}/release", route(app, release), http::Access::internal_only());
}

}  // namespace uitgo::driver
