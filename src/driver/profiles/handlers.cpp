#include "driver/profiles/handlers.hpp"

#include "core/base/ids.hpp"
#include "core/base/json_body.hpp"
#include "core/base/log.hpp"
#include "core/base/time.hpp"
#include "driver/app.hpp"
#include "driver/driver_ids.hpp"

namespace uitgo::driver::profiles {
namespace {

using http::Request;
using http::Response;

// The profile as GET /v1/drivers/me shows it: the location is the newest of
// Postgres's last stored one and the live position in Redis.
awaitable<Profile> with_live_location(DriverApp& app, Profile profile) {
  std::optional<Fix> live;
  try {
    live = co_await app.index.position(profile.id);
  } catch (const std::exception& e) {
    // The stored location is good enough when Redis is unavailable.
    log::warn("live driver position unavailable", {{"driverId", profile.id}, {"error", e.what()}});
  }
  if (live && (!profile.location || live->recorded_at_ms >= profile.location->recorded_at_ms)) profile.location = live;
  co_return profile;
}

awaitable<Response> profile_response(DriverApp& app, Profile profile, int status = 200) {
  const auto shown = co_await with_live_location(app, std::move(profile));
  co_return Response::json(status, shown.to_json());
}

}  // namespace

awaitable<Response> create_own(DriverApp& app, Request& request) {
  const auto id = caller_driver_id(request);
  const auto input = json::parse_body<ProfileInput>(request.body);
  auto created = co_await app.profiles.create(id, input);
  if (!created.created) throw DomainError::conflict("a driver profile already exists for this account");
  co_await app.summaries.changed(id);
  log::info("driver profile created", {{"driverId", id}, {"request_id", request.request_id}});
  co_return co_await profile_response(app, std::move(created.profile), 201);
}

// For user-service's POST /v1/drivers/register. The same id again answers
// 200 with the stored profile, so a retry after a timeout never fails.
awaitable<Response> create_internal(DriverApp& app, Request& request) {
  const auto input = json::parse_body<InternalProfileInput>(request.body);
  auto created = co_await app.profiles.create(input.id, input.profile);
  if (created.created) {
    co_await app.summaries.changed(input.id);
    log::info("driver profile created", {{"driverId", input.id}, {"request_id", request.request_id}});
  }
  co_return co_await profile_response(app, std::move(created.profile), created.created ? 201 : 200);
}

// The compensation of POST /internal/drivers: user-service calls it when its
// own transaction failed after the profile was created, so no profile is left
// without an account (and its plate number is free again). 204 either way.
awaitable<Response> delete_internal(DriverApp& app, Request& request) {
  const auto id = path_driver_id(request);
  co_await app.index.go_offline(id);
  const bool removed = co_await app.profiles.remove(id);
  co_await app.summaries.changed(id);
  if (removed) {
    log::info("driver profile deleted", {{"driverId", id}, {"request_id", request.request_id}});
  }
  co_return Response::no_content();
}

awaitable<Response> get_own(DriverApp& app, Request& request) {
  const auto id = caller_driver_id(request);
  auto profile = co_await app.profiles.find(id);
  if (!profile) throw DomainError::not_found("driver profile not found");
  co_return co_await profile_response(app, std::move(*profile));
}

awaitable<Response> update_own(DriverApp& app, Request& request) {
  const auto id = caller_driver_id(request);
  const auto patch = json::parse_body<ProfilePatch>(request.body);
  auto profile = co_await app.profiles.update(id, patch);
  if (!profile) throw DomainError::not_found("driver profile not found");
  co_await app.summaries.changed(id);
  co_return co_await profile_response(app, std::move(*profile));
}

// Only the driver itself (role driver, sub = id) or an admin; decided before
// looking the driver up, so the answer (403) says nothing about whether the
// id exists.
awaitable<Response> set_status(DriverApp& app, Request& request) {
  const auto id = path_driver_id(request);
  const auto& caller = request.caller();
  const bool self = caller.role == "driver" && normalize_uuid(caller.user_id) == id;
  if (caller.role != "admin" && !self) {
    throw DomainError::forbidden("only the driver or an admin may change a driver's status");
  }
  const auto input = json::parse_body<StatusInput>(request.body);
  std::optional<Profile> profile;
  if (input.online) {
    profile = co_await app.profiles.set_online(id, true);
    if (!profile) throw DomainError::not_found("driver not found");
    // Searchable at once when the last stored location is still fresh;
    // otherwise with the next location ping. Until that ping a driver who
    // sent no position since going online is "unlocated": a matching
    // candidate after the located ones (MATCH_UNLOCATED_DRIVERS).
    const auto now = now_ms();
    Online state{.trip_id = profile->current_trip_id};
    if (profile->location && profile->location->recorded_at_ms >= now - app.index.stale_ms()) {
      state.fix = profile->location;
    }
    const auto online_since = parse_rfc3339_ms(profile->status_updated_at).value_or(now);
    std::optional<std::int64_t> last_position;
    if (profile->location) last_position = profile->location->recorded_at_ms;
    if (!state.fix && unlocated_since_online(last_position, online_since)) state.unlocated_since_ms = online_since;
    co_await app.index.go_online(id, state, now);
    co_await app.driver_freed(id);
  } else {
    // Redis first: the driver leaves search at once. Should the Postgres write
    // fail, the next ping restores the index from Postgres (still online).
    co_await app.index.go_offline(id);
    profile = co_await app.profiles.set_online(id, false);
    if (!profile) throw DomainError::not_found("driver not found");
  }
  log::info("driver status changed",
            {{"driverId", id}, {"online", input.online}, {"by", caller.user_id}, {"request_id", request.request_id}});
  const auto shown = co_await with_live_location(app, std::move(*profile));
  co_return Response::json(200, shown.status_json());
}

}  // namespace uitgo::driver::profiles
