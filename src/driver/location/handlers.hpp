// HTTP handlers of drivers' positions (routes.cpp lists them): the driver's
// own ping and the same for a location that reached trip-service over a
// trip's WebSocket.
#pragma once

#include "core/base/async.hpp"
#include "core/http/request.hpp"
#include "core/http/response.hpp"

namespace uitgo::driver {

struct DriverApp;

namespace location {

awaitable<http::Response> update_own(DriverApp& app, http::Request& request);
awaitable<http::Response> update_internal(DriverApp& app, http::Request& request);

}  // namespace location
}  // namespace uitgo::driver
