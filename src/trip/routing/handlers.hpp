// HTTP handler of POST /routes (routes.cpp lists it; routing/directions.hpp).
#pragma once

#include "core/base/async.hpp"
#include "core/http/request.hpp"
#include "core/http/response.hpp"

namespace uitgo::trip {

struct TripApp;

namespace routing {

awaitable<http::Response> route(TripApp& app, http::Request& request);

}  // namespace routing
}  // namespace uitgo::trip
