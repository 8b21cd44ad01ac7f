// HTTP handlers of driver profiles and availability (routes.cpp lists them).
#pragma once

#include "core/base/async.hpp"
#include "core/http/request.hpp"
#include "core/http/response.hpp"

namespace uitgo::driver {

struct DriverApp;

namespace profiles {

awaitable<http::Response> create_own(DriverApp& app, http::Request& request);
awaitable<http::Response> get_own(DriverApp& app, http::Request& request);
awaitable<http::Response> update_own(DriverApp& app, http::Request& request);
awaitable<http::Response> set_status(DriverApp& app, http::Request& request);
awaitable<http::Response> create_internal(DriverApp& app, http::Request& request);
awaitable<http::Response> delete_internal(DriverApp& app, http::Request& request);

}  // namespace profiles
}  // namespace uitgo::driver
