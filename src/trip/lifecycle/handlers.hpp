// HTTP handlers of the trip lifecycle (routes.cpp lists them): request in,
// use case call, JSON out. Nothing else happens here.
#pragma once

#include "core/base/async.hpp"
#include "core/http/request.hpp"
#include "core/http/response.hpp"

namespace uitgo::trip {

struct TripApp;

namespace lifecycle {

awaitable<http::Response> create(TripApp& app, http::Request& request);
awaitable<http::Response> list(TripApp& app, http::Request& request);
awaitable<http::Response> get(TripApp& app, http::Request& request);
awaitable<http::Response> change_status(TripApp& app, http::Request& request);

}  // namespace lifecycle

// The {id} path segment as a canonical trip id; 404 when malformed.
std::string trip_id_param(const http::Request& request);

}  // namespace uitgo::trip
