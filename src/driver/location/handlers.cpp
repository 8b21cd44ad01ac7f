#include "driver/location/handlers.hpp"

#include "core/base/json_body.hpp"
#include "core/base/time.hpp"
#include "driver/app.hpp"
#include "driver/driver_ids.hpp"
#include "driver/profiles/inputs.hpp"

namespace uitgo::driver::location {
namespace {

using http::Request;
using http::Response;

// A client clock a little ahead of ours is tolerated; further is a bad value.
constexpr std::int64_t kFutureToleranceMs = 60'000;

// The GEO index first (searchable at once), then the buffered history.
awaitable<void> apply_location(DriverApp& app, const std::string& id, const LocationInput& input) {
  const auto now = now_ms();
  if (input.recorded_at_ms && *input.recorded_at_ms > now + kFutureToleranceMs) {
    throw DomainError::invalid("recordedAt", "recordedAt is in the future");
  }
  bool accepted = co_await app.index.update_location(id, input.lat, input.lng, now);
  if (!accepted) {
    const auto state = co_await app.profiles.state(id);
    if (!state) throw DomainError::not_found("driver profile not found");
    if (!state->online) throw DomainError::conflict("the driver is offline: set the status to online first");
    // Online in Postgres but unknown to Redis (flushed or restarted): restore
    // the driver's entry, reservation included, and apply the ping.
    const Online restored{.trip_id = state->current_trip_id};
    co_await app.index.go_online(id, restored, now);
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

}  // namespace

awaitable<Response> update_own(DriverApp& app, Request& request) {
  const auto id = caller_driver_id(request);
  const auto input = json::parse_body<LocationInput>(request.body);
  co_await apply_location(app, id, input);
  co_return Response::no_content();
}

awaitable<Response> update_internal(DriverApp& app, Request& request) {
  const auto id = path_driver_id(request);
  const auto input = json::parse_body<LocationInput>(request.body);
  co_await apply_location(app, id, input);
  co_return Response::no_content();
}

}  // namespace uitgo::driver::location
