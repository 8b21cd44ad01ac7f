// The driver ids of a request: the calling driver's, and the {id} segment of
// a path (where "me" is the caller).
#pragma once

#include <string>

#include "core/http/request.hpp"

namespace uitgo::driver {

// The calling driver's id (the JWT subject). A subject that is not a UUID
// cannot own a profile: 404.
std::string caller_driver_id(const http::Request& request);

// The {id} path segment as a canonical UUID; "me" is the caller. 404 when malformed.
std::string path_driver_id(const http::Request& request);

}  // namespace uitgo::driver
