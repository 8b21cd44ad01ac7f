// HTTP handlers of offers (routes.cpp lists them): the offered driver's
// accept/decline, and trip-service's side of the internal contract the
// matcher calls (peers/trip_client.hpp).
#pragma once

#include "core/base/async.hpp"
#include "core/http/request.hpp"
#include "core/http/response.hpp"

namespace uitgo::trip {

struct TripApp;

namespace matching {

awaitable<http::Response> accept(TripApp& app, http::Request& request);
awaitable<http::Response> decline(TripApp& app, http::Request& request);
awaitable<http::Response> assign(TripApp& app, http::Request& request);

awaitable<http::Response> internal_get(TripApp& app, http::Request& request);
awaitable<http::Response> internal_offer(TripApp& app, http::Request& request);
awaitable<http::Response> internal_lookup(TripApp& app, http::Request& request);
awaitable<http::Response> internal_offers(TripApp& app, http::Request& request);
awaitable<http::Response> internal_offer_expired(TripApp& app, http::Request& request);
awaitable<http::Response> internal_cancel(TripApp& app, http::Request& request);

}  // namespace matching
}  // namespace uitgo::trip
