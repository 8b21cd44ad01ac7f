#include "trip/lifecycle/handlers.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/base/ids.hpp"
#include "core/base/json_body.hpp"
#include "core/base/time.hpp"
#include "trip/app.hpp"

namespace uitgo::trip {

std::string trip_id_param(const http::Request& request) { return path_uuid(request.path_param("id"), "trip"); }

namespace lifecycle {

using http::Request;
using http::Response;

awaitable<Response> create(TripApp& app, Request& request) {
  const auto input = json::parse_body<CreateTripRequest>(request.body);
  const auto key = parse_idempotency_key(request.header("idempotency-key"));
  const auto result = co_await app.dispatch->book(request.caller(), input, key, request.request_id);
  auto response = Response::json(201, public_json(result.trip));
  response.with_header("Location", "/v1/trips/" + result.trip.id);
  if (result.replayed) response.with_header("Idempotent-Replayed", "true");
  co_return response;
}

awaitable<Response> list(TripApp& app, Request& request) {
  // ?role= (sent by the apps) is ignored: the token decides whose trips these are.
  const auto query =
      ListQuery::parse(request.query_param("limit"), request.query_param("offset"), request.query_param("status"),
                       request.query_param("page"), request.query_param("pageSize"));
  const auto page = co_await app.trips.list(request.caller(), query);
  boost::json::array items;
  items.reserve(page.items.size());
  for (const auto& t : page.items) items.emplace_back(public_json(t));
  co_return Response::json(
      200, boost::json::object{
               {"items", std::move(items)}, {"total", page.total}, {"limit", query.limit}, {"offset", query.offset}});
}

awaitable<Response> get(TripApp& app, Request& request) {
  const auto id = trip_id_param(request);
  const auto trip = co_await app.trips.get(request.caller(), id);
  auto body = public_json(trip);
  // Written by live tracking (WebSocket location messages of the driver).
  if (const auto at = co_await app.trips.live_location(request.caller(), id)) {
    body["lastLocation"] =
        boost::json::object{{"lat", at->lat}, {"lng", at->lng}, {"timestamp", format_rfc3339_ms(at->recorded_ms)}};
  }
  co_return Response::json(200, body);
}

awaitable<Response> change_status(TripApp& app, Request& request) {
  const auto id = trip_id_param(request);
  const auto input = json::parse_body<StatusRequest>(request.body);
  const auto trip = co_await app.trips.change_status(request.caller(), id, input);
  co_return Response::json(200, public_json(trip));
}

}  // namespace lifecycle
}  // namespace uitgo::trip
