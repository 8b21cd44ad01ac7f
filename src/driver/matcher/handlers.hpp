// HTTP handlers of driver-service's side of the internal contracts about
// matching (peers/driver_client.hpp): reservations and the sync-mode match.
#pragma once

#include "core/base/async.hpp"
#include "core/http/request.hpp"
#include "core/http/response.hpp"

namespace uitgo::driver {

struct DriverApp;

namespace matching {

awaitable<http::Response> reserve(DriverApp& app, http::Request& request);
awaitable<http::Response> release(DriverApp& app, http::Request& request);
awaitable<http::Response> match(DriverApp& app, http::Request& request);

}  // namespace matching
}  // namespace uitgo::driver
