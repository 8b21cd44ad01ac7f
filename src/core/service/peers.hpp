// The other services a service calls, each declared once: its base URL and the
// deadline of one call (`<PEER>_URL`, `<PEER>_TIMEOUT_MS`, e.g.
// DRIVER_SERVICE_URL and DRIVER_SERVICE_TIMEOUT_MS), with the same defaults
// wherever the peer is called from.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/base/config.hpp"
#include "core/http/client.hpp"

namespace uitgo::service {

// `peer`: "USER_SERVICE", "TRIP_SERVICE" or "DRIVER_SERVICE" (anything else is
// a programming error: std::logic_error).
config::Spec peer_spec(std::string_view peer);

// Client options for `peer` from the loaded config; calls carry `internal_token`.
http::ClientOptions peer_options(const config::Values& config, std::string_view peer, std::string internal_token,
                                 std::size_t max_idle = 32);

}  // namespace uitgo::service
