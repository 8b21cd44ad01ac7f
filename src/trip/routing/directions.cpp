#include "trip/routing/directions.hpp"

#include "core/base/errors.hpp"
#include "core/base/log.hpp"

namespace uitgo::trip {

config::Spec routing_spec() {
  config::Spec s;
  s.string("ROUTING_URL", "",
           "an OSRM-compatible server (http://host:port[/prefix]) answering POST /routes; empty = straight-line "
           "estimates only")
      .integer("ROUTING_TIMEOUT_MS", 2000, 100, 30000,
               "deadline of one call to ROUTING_URL; past it the answer is the straight-line estimate")
      .integer("ROUTE_ESTIMATE_SPEED_KMH", 25, 1, 200, "average speed of the straight-line route estimate");
  return s;
}

RoutingSettings RoutingSettings::from(const config::Values& c) {
  RoutingSettings s{.url = c.str("ROUTING_URL"),
                    .timeout = c.millis("ROUTING_TIMEOUT_MS"),
                    .estimate_speed_kmh = static_cast<double>(c.integer("ROUTE_ESTIMATE_SPEED_KMH"))};
  while (!s.url.empty() && s.url.back() == '/') s.url.pop_back();
  if (!s.url.empty() && (!s.url.starts_with("http://") || s.url.size() <= 7)) {
    throw config::ConfigError("ROUTING_URL must be an http:// URL (e.g. http://127.0.0.1:5000), got '" + s.url + "'");
  }
  return s;
}

Directions::Directions(asio::any_io_executor executor, metrics::Registry& metrics, RoutingSettings settings)
    : settings_(std::move(settings)), metrics_(metrics) {
  if (settings_.url.empty()) return;
  const auto path = settings_.url.find('/', 7);  // after http://
  const std::string origin = settings_.url.substr(0, path);
  if (path != std::string::npos) prefix_ = settings_.url.substr(path);
  // No internal token: this is not one of our services.
  osrm_ = std::make_unique<http::Client>(std::move(executor),
                                         http::ClientOptions{.base_url = origin, .timeout = settings_.timeout});
}

Directions::~Directions() = default;

void Directions::count(const char* source, const char* outcome) {
  metrics_
      .counter("route_requests_total", "POST /routes answers by source and outcome",
               {{"source", source}, {"outcome", outcome}})
      .inc();
}

awaitable<Route> Directions::route(const RouteRequest& request, const std::string& request_id) {
  if (!osrm_) {
    count("estimate", "ok");
    co_return estimate_route(request, settings_.estimate_speed_kmh);
  }
  const std::string target = prefix_ + osrm_target(request);
  std::optional<OsrmAnswer> answer;
  std::string problem;
  try {
    const auto r = co_await osrm_->request("GET", target, "", request_id);
    answer = parse_osrm(r.body);
  } catch (const std::exception& e) {
    problem = e.what();
  }
  if (!answer) {
    count("estimate", "fallback");
    log::warn("routing server failed; answering a straight-line estimate",
              {{"error", problem}, {"request_id", request_id}});
    co_return estimate_route(request, settings_.estimate_speed_kmh);
  }
  if (answer->no_route) {
    count("osrm", "no_route");
    throw DomainError(Refusal::not_found, "no_route", "no route found between these points");
  }
  count("osrm", "ok");
  co_return std::move(*answer->route);
}

}  // namespace uitgo::trip
