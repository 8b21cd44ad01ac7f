// Profiles: POST /v1/drivers, GET/PATCH /v1/drivers/me, POST /internal/drivers.
#include <boost/json/object.hpp>

#include "core/base/log.hpp"
#include "driver/route_helpers.hpp"
#include "driver/routes.hpp"

namespace uitgo::driver {
namespace {

using http::Request;
using http::Response;

awaitable<Response> create_own(DriverApp& app, Request& request) {
  const auto id = caller_driver_id(request);
  const auto input = json::parse_body<ProfileInput>(request.body);
  auto created = co_await app.profiles.create(id, input);
  if (!created.created) throw HttpError::conflict("a driver profile already exists for this account");
  log::info("driver profile created", {{"driverId", id}, {"request_id", request.request_id}});
  co_return co_await profile_response(app, std::move(created.profile), 201);
}

// For user-service's POST /v1/drivers/register. The same id again answers
// 200 with the stored profile, so a retry after a timeout never fails.
awaitable<Response> create_internal(DriverApp& app, Request& request) {
  const auto input = json::parse_body<InternalProfileInput>(request.body);
  auto created = co_await app.profiles.create(input.id, input.profile);
  if (created.created) {
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
  if (co_await app.profiles.remove(id)) {
    log::info("driver profile deleted", {{"driverId", id}, {"request_id", request.request_id}});
  }
  co_return Response::no_content();
}

awaitable<Response> get_own(DriverApp& app, Request& request) {
  const auto id = caller_driver_id(request);
  auto profile = co_await app.profiles.find(id);
  if (!profile) throw HttpError::not_found("driver profile not found");
  co_return co_await profile_response(app, std::move(*profile));
}

awaitable<Response> update_own(DriverApp& app, Request& request) {
  const auto id = caller_driver_id(request);
  const auto patch = json::parse_body<ProfilePatch>(request.body);
  auto profile = co_await app.profiles.update(id, patch);
  if (!profile) throw HttpError::not_found("driver profile not found");
  co_return co_await profile_response(app, std::move(*profile));
}

}  // namespace

void add_profile_routes(http::Router& router, std::shared_ptr<DriverApp> app) {
  const auto driver = http::Access::roles_of({"driver"});
  router.add("POST", "/v1/drivers", route(app, create_own), driver);
  router.add("GET", "/v1/drivers/me", route(app, get_own), driver);
  router.add("PATCH", "/v1/drivers/me", route(app, update_own), driver);
  router.add("POST", "/internal/drivers", route(app, create_internal), http::Access::internal_only());
  router.add("DELETE", "/internal/drivers/{id}", route(app, delete_internal), http::Access::internal_only());
}

}  // namespace uitgo::driver
