// POST /routes, the pure part: the request ({origin:{lat,lng},
// destination:{lat,lng}}), the answer the apps read ({distance (m), duration
// (s), coordinates: [[lng, lat], ...], steps: [{name, instruction,
// location: [lng, lat], distance, duration}], source}), the straight-line
// estimate, and OSRM's route/v1 answer mapped onto it.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/geo.hpp"
#include "core/base/json_body.hpp"

namespace uitgo::trip {

struct RouteRequest {
  geo::LatLng origin;
  geo::LatLng destination;
  static RouteRequest from_json(const json::Fields& f);  // 400 naming e.g. origin.lat
};

struct RouteStep {
  std::string name;
  std::string instruction;
  geo::LatLng location;
  double distance = 0;
  double duration = 0;
};

struct Route {
  double distance = 0;  // metres
  double duration = 0;  // seconds
  std::vector<geo::LatLng> coordinates;
  std::vector<RouteStep> steps;
  std::string source;  // osrm | estimate (the apps ignore it)
  boost::json::object to_json() const;
};

// The great-circle line between the two points at `speed_kmh` (> 0).
Route estimate_route(const RouteRequest& request, double speed_kmh);

// The path and query of OSRM's route service for the request (driving profile,
// full GeoJSON geometry, steps).
std::string osrm_target(const RouteRequest& request);

// OSRM's answer (any HTTP status: OSRM reports "no route" as 400 with a code).
struct OsrmAnswer {
  std::optional<Route> route;  // when code is Ok
  bool no_route = false;       // NoRoute / NoSegment: nothing connects the points
};
// Throws std::runtime_error when `body` is not an OSRM answer.
OsrmAnswer parse_osrm(std::string_view body);

// An English instruction from an OSRM maneuver, e.g. "Turn left onto Lê Văn Việt".
std::string instruction_text(std::string_view type, std::string_view modifier, std::string_view name,
                             std::optional<int> exit = std::nullopt);

}  // namespace uitgo::trip
