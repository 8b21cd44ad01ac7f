#include "driver/location/handlers.hpp"

#include "core/base/json_body.hpp"
#include "core/base/time.hpp"
#include "core/redis/reply.hpp"
#include "driver/app.hpp"
#include "driver/driver_ids.hpp"
#include "driver/profiles/inputs.hpp"

namespace uitgo::driver::location {
namespace {

using http::Request;
using http::Response;

// A client clock a little ahead of ours is tolerated; further is a bad value.
constexpr std::int64_t kFutureToleranceMs = 60'000;

bool may_wake(LocationUpdate update) {
  return update == LocationUpdate::became_free || update == LocationUpdate::near_waiting_trip;
}

// Only an online driver's ping counts: 404 without a profile, 409 offline.
awaitable<DriverState> require_online(DriverApp& app, const std::string& id) {
  auto state = co_await app.profiles.state(id);
  if (!state) throw DomainError::not_found("driver profile not found");
  if (!state->online) throw DomainError::conflict("the driver is offline: set the status to online first");
  co_return std::move(*state);
}

// The GEO index (searchable at once). A driver Redis does not know as
// available is looked up in Postgres: online there (Redis was flushed or
// restarted) → its entry is restored, reservation included, and the ping
// applied. When Redis itself fails, Postgres vouches for the driver instead,
// and the index is rebuilt from the stored positions once Redis is back.
// True when the ping may let the driver wake a waiting trip: it made the
// driver free (searchable), or brought it, free, within reach of one.
awaitable<bool> index_location(DriverApp& app, const std::string& id, const LocationInput& input, std::int64_t now) {
  std::string redis_error;
  try {
    auto update = co_await app.index.update_location(id, input.lat, input.lng, now);
    if (update != LocationUpdate::refused) co_return may_wake(update);
    // Online in Postgres but unknown to Redis (flushed or restarted): restore
    // the driver's entry, reservation included, and apply the ping.
    const auto state = co_await require_online(app, id);
    const Online restored{.trip_id = state.current_trip_id};
    co_await app.index.go_online(id, restored, now);
    update = co_await app.index.update_location(id, input.lat, input.lng, now);
    if (update == LocationUpdate::refused) throw UnavailableError("the driver index did not take the location");
    co_return may_wake(update);
  } catch (const UnavailableError& e) {
    redis_error = e.what();
  } catch (const TimeoutError& e) {
    redis_error = e.what();
  } catch (const OverloadedError& e) {
    redis_error = e.what();
  } catch (const redis::CommandError& e) {
    redis_error = e.what();
  }
  co_await require_online(app, id);
  app.note_index_failure(redis_error);
  co_return false;
}

// The GEO index first, then the buffered history (which also feeds
// driver_last_locations, the SQL search and the index's rebuild); a driver
// this ping made free, or brought within reach of a waiting trip, then wakes
// the waiting trip nearest to it.
awaitable<void> apply_location(DriverApp& app, const std::string& id, const LocationInput& input) {
  const auto now = now_ms();
  if (input.recorded_at_ms && *input.recorded_at_ms > now + kFutureToleranceMs) {
    throw DomainError::invalid("recordedAt", "recordedAt is in the future");
  }
  const bool may_wake_a_trip = co_await index_location(app, id, input, now);
  app.writer.add({.driver_id = id,
                  .lat = input.lat,
                  .lng = input.lng,
                  .heading = input.heading,
                  .speed_kmh = input.speed_kmh,
                  .recorded_ms = input.recorded_at_ms.value_or(now),
                  .received_ms = now});
  if (may_wake_a_trip) co_await app.driver_freed(id);
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
