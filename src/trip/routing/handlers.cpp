#include "trip/routing/handlers.hpp"

#include "core/base/json_body.hpp"
#include "trip/app.hpp"

namespace uitgo::trip::routing {

awaitable<http::Response> route(TripApp& app, http::Request& request) {
  const auto input = json::parse_body<RouteRequest>(request.body);
  const auto found = co_await app.directions->route(input, request.request_id);
  co_return http::Response::json(200, found.to_json());
}

}  // namespace uitgo::trip::routing
