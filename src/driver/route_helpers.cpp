#include "driver/route_helpers.hpp"

#include "core/base/ids.hpp"
#include "core/base/log.hpp"

namespace uitgo::driver {

std::string caller_driver_id(const http::Request& request) {
  const auto& id = request.caller().user_id;
  if (!is_uuid(id)) throw HttpError::not_found("driver profile not found");
  return lower_uuid(id);
}

std::string path_driver_id(const http::Request& request) {
  const auto raw = request.path_param("id");
  if (raw == "me") return caller_driver_id(request);
  return lower_uuid(path_uuid(raw, "driver"));
}

awaitable<http::Response> profile_response(DriverApp& app, Profile profile, int status) {
  std::optional<Fix> live;
  try {
    live = co_await app.index.position(profile.id);
  } catch (const std::exception& e) {
    // The stored location is good enough when Redis is unavailable.
    log::warn("live driver position unavailable", {{"driverId", profile.id}, {"error", e.what()}});
  }
  if (live && (!profile.location || live->recorded_at_ms >= profile.location->recorded_at_ms)) profile.location = live;
  co_return http::Response::json(status, profile.to_json());
}

}  // namespace uitgo::driver
