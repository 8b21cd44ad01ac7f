#include "driver/matcher/handlers.hpp"

#include <boost/json/object.hpp>

#include "core/base/json_body.hpp"
#include "core/base/log.hpp"
#include "driver/app.hpp"
#include "driver/driver_ids.hpp"
#include "driver/matcher/matcher.hpp"
#include "driver/profiles/inputs.hpp"

namespace uitgo::driver::matching {
namespace {

using http::Request;
using http::Response;

boost::json::object reservation_body(const std::string& driver_id, const std::string& trip_id, const char* flag) {
  return {{"driverId", driver_id}, {"tripId", trip_id}, {flag, true}};
}

// 404 when the driver does not exist, else the conflict `message`.
awaitable<void> refuse(DriverApp& app, const std::string& id, const char* message) {
  const auto state = co_await app.profiles.state(id);
  if (!state) throw DomainError::not_found("driver not found");
  throw DomainError::conflict(message);
}

}  // namespace

awaitable<Response> reserve(DriverApp& app, Request& request) {
  const auto id = path_driver_id(request);
  const auto input = json::parse_body<TripInput>(request.body);
  const bool reserved = co_await app.reserve(id, input.trip_id);
  if (!reserved) co_await refuse(app, id, "the driver is not free");
  log::info("driver reserved", {{"driverId", id}, {"tripId", input.trip_id}, {"request_id", request.request_id}});
  co_return Response::json(200, reservation_body(id, input.trip_id, "reserved"));
}

awaitable<Response> release(DriverApp& app, Request& request) {
  const auto id = path_driver_id(request);
  const auto input = json::parse_body<TripInput>(request.body);
  const bool released = co_await app.release_reservation(id, input.trip_id);
  if (!released) {
    co_await refuse(app, id, "the driver is not reserved for this trip");
  }
  log::info("driver released", {{"driverId", id}, {"tripId", input.trip_id}, {"request_id", request.request_id}});
  co_return Response::json(200, reservation_body(id, input.trip_id, "released"));
}

awaitable<Response> match(DriverApp& app, Request& request) {
  queue::TripEvent event;
  try {
    event = queue::TripEvent::from_json(request.body);
  } catch (const std::exception& e) {
    throw DomainError::bad_input("validation_failed", e.what());
  }
  const auto answer = co_await app.matcher->match_now(event, request.request_id);
  co_return Response::json(200, answer.to_json());
}

}  // namespace uitgo::driver::matching
