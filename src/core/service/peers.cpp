#include "core/service/peers.hpp"

#include <array>
#include <stdexcept>
#include <utility>

namespace uitgo::service {
namespace {

struct KnownPeer {
  std::string_view name;
  std::string_view default_url;
  std::string_view purpose;
};

constexpr std::array kPeers{
    KnownPeer{"USER_SERVICE", "http://127.0.0.1:8081", "user-service (accounts)"},
    KnownPeer{"TRIP_SERVICE", "http://127.0.0.1:8082", "trip-service (trips, offers)"},
    KnownPeer{"DRIVER_SERVICE", "http://127.0.0.1:8083", "driver-service (profiles, reservations, matching)"},
};
constexpr std::int64_t kDefaultTimeoutMs = 2000;

const KnownPeer& known(std::string_view peer) {
  for (const auto& p : kPeers) {
    if (p.name == peer) return p;
  }
  throw std::logic_error("unknown peer service: " + std::string(peer));
}

}  // namespace

config::Spec peer_spec(std::string_view peer) {
  const auto& p = known(peer);
  const std::string name(p.name);
  config::Spec spec;
  spec.string(name + "_URL", std::string(p.default_url),
              "base URL of " + std::string(p.purpose) + " for internal calls")
      .integer(name + "_TIMEOUT_MS", kDefaultTimeoutMs, 10, 600000,
               "deadline of one internal call to " + std::string(p.purpose));
  return spec;
}

http::ClientOptions peer_options(const config::Values& config, std::string_view peer, std::string internal_token,
                                 std::size_t max_idle) {
  const std::string name(known(peer).name);
  return {.base_url = config.str(name + "_URL"),
          .timeout = config.millis(name + "_TIMEOUT_MS"),
          .max_idle = max_idle,
          .internal_token = std::move(internal_token)};
}

}  // namespace uitgo::service
