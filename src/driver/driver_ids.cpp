#include "driver/driver_ids.hpp"

#include "core/base/ids.hpp"

namespace uitgo::driver {

std::string caller_driver_id(const http::Request& request) {
  auto id = normalize_uuid(request.caller().user_id);
  if (!id) throw DomainError::not_found("driver profile not found");
  return std::move(*id);
}

std::string path_driver_id(const http::Request& request) {
  const auto raw = request.path_param("id");
  if (raw == "me") return caller_driver_id(request);
  return path_uuid(raw, "driver");
}

}  // namespace uitgo::driver
