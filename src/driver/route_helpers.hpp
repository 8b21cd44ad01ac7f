// Small pieces the driver-service routes share.
#pragma once

#include <memory>
#include <string>

#include "core/base/async.hpp"
#include "core/http/request.hpp"
#include "core/http/response.hpp"
#include "driver/app.hpp"

namespace uitgo::driver {

using Handler = awaitable<http::Response> (*)(DriverApp&, http::Request&);

// Adapts `handler` to the router, keeping the app alive with the route.
inline http::Handler route(const std::shared_ptr<DriverApp>& app, Handler handler) {
  return [app, handler](http::Request& request) { return handler(*app, request); };
}

// The calling driver's id (the JWT subject). A subject that is not a UUID
// cannot own a profile: 404.
std::string caller_driver_id(const http::Request& request);

// The {id} path segment as a canonical UUID; "me" is the caller. 404 when malformed.
std::string path_driver_id(const http::Request& request);

// The profile as GET /v1/drivers/me shows it: the location is the newest of
// Postgres's last stored one and the live position in Redis.
awaitable<http::Response> profile_response(DriverApp& app, Profile profile, int status = 200);

}  // namespace uitgo::driver
