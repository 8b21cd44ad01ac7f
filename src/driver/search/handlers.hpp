// GET /v1/drivers/search?lat&lng&radius&limit (routes.cpp lists it).
#pragma once

#include "core/base/async.hpp"
#include "core/http/request.hpp"
#include "core/http/response.hpp"

namespace uitgo::driver {

struct DriverApp;

namespace search {

awaitable<http::Response> nearest(DriverApp& app, http::Request& request);

}  // namespace search
}  // namespace uitgo::driver
