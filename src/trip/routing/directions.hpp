// POST /routes for the apps (without it they send the user's token to the
// public OSRM server): with ROUTING_URL set, OSRM's route service behind it
// answers (within ROUTING_TIMEOUT_MS); without it, or when that server fails,
// an honest straight-line estimate answers (great-circle distance, duration
// at ROUTE_ESTIMATE_SPEED_KMH, the two end points, no steps, source
// "estimate"). OSRM finding no route is 404 no_route. HTTP-free.
//
// Metrics: route_requests_total{source=osrm|estimate, outcome=ok|no_route|fallback}.
#pragma once

#include <memory>
#include <string>

#include "core/base/async.hpp"
#include "core/base/config.hpp"
#include "core/base/metrics.hpp"
#include "core/http/client.hpp"
#include "trip/routing/route_shape.hpp"

namespace uitgo::trip {

// ROUTING_URL, ROUTING_TIMEOUT_MS, ROUTE_ESTIMATE_SPEED_KMH.
config::Spec routing_spec();

struct RoutingSettings {
  std::string url;  // http://host[:port][/prefix]; empty: estimates only
  Millis timeout{2000};
  double estimate_speed_kmh = 25;
  // Throws config::ConfigError for a URL the client cannot call (not http://).
  static RoutingSettings from(const config::Values& config);
};

class Directions {
 public:
  Directions(asio::any_io_executor executor, metrics::Registry& metrics, RoutingSettings settings);
  ~Directions();

  awaitable<Route> route(const RouteRequest& request, const std::string& request_id);

 private:
  void count(const char* source, const char* outcome);

  RoutingSettings settings_;
  std::string prefix_;  // the path part of ROUTING_URL
  std::unique_ptr<http::Client> osrm_;
  metrics::Registry& metrics_;
};

}  // namespace uitgo::trip
