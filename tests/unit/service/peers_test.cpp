#include "core/service/peers.hpp"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

namespace uitgo::service {
namespace {

config::Values load(const config::Spec& spec, std::map<std::string, std::string> env) {
  return spec.load([env](std::string_view name) -> std::optional<std::string> {
    const auto it = env.find(std::string(name));
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

TEST(Peers, OneDeclarationPerPeerWithItsDefaults) {
  const auto spec = peer_spec("DRIVER_SERVICE");
  const auto values = load(spec, {});
  const auto options = peer_options(values, "DRIVER_SERVICE", "token");
  EXPECT_EQ(options.base_url, "http://127.0.0.1:8083");
  EXPECT_EQ(options.timeout, Millis(2000));
  EXPECT_EQ(options.internal_token, "token");
  EXPECT_EQ(peer_options(load(peer_spec("TRIP_SERVICE"), {}), "TRIP_SERVICE", "").base_url, "http://127.0.0.1:8082");
}

TEST(Peers, TheEnvironmentWins) {
  const auto values = load(peer_spec("TRIP_SERVICE"),
                           {{"TRIP_SERVICE_URL", "http://10.0.0.5:9000"}, {"TRIP_SERVICE_TIMEOUT_MS", "750"}});
  const auto options = peer_options(values, "TRIP_SERVICE", "");
  EXPECT_EQ(options.base_url, "http://10.0.0.5:9000");
  EXPECT_EQ(options.timeout, Millis(750));
}

TEST(Peers, AnUnknownPeerIsAProgrammingError) { EXPECT_THROW(peer_spec("BILLING_SERVICE"), std::logic_error); }

}  // namespace
}  // namespace uitgo::service
