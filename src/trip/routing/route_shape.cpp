#include "trip/routing/route_shape.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include <cmath>
#include <stdexcept>

#include "core/base/json_text.hpp"

namespace uitgo::trip {
namespace {

namespace bj = boost::json;

double rounded(double v, double step) { return std::round(v / step) * step; }

bj::array point(geo::LatLng p) { return bj::array{p.lng, p.lat}; }

double number(const bj::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  throw std::runtime_error("OSRM answered a non-number where a number belongs");
}

std::optional<geo::LatLng> lng_lat(const bj::value* v) {
  if (v == nullptr || !v->is_array() || v->get_array().size() < 2) return std::nullopt;
  const auto& a = v->get_array();
  geo::LatLng p{.lat = number(a[1]), .lng = number(a[0])};
  if (!geo::valid(p)) return std::nullopt;
  return p;
}

std::string text(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

double number_at(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v == nullptr ? 0.0 : number(*v);
}

RouteStep read_step(const bj::object& s) {
  RouteStep step;
  step.name = text(s, "name");
  step.distance = number_at(s, "distance");
  step.duration = number_at(s, "duration");
  if (const auto* m = s.if_contains("maneuver"); m != nullptr && m->is_object()) {
    const auto& maneuver = m->get_object();
    if (auto p = lng_lat(maneuver.if_contains("location"))) step.location = *p;
    std::optional<int> exit;
    if (const auto* e = maneuver.if_contains("exit"); e != nullptr && e->is_int64()) {
      exit = static_cast<int>(e->get_int64());
    }
    step.instruction = instruction_text(text(maneuver, "type"), text(maneuver, "modifier"), step.name, exit);
  }
  return step;
}

}  // namespace

RouteRequest RouteRequest::from_json(const json::Fields& f) {
  const auto origin = f.required_object("origin");
  const auto destination = f.required_object("destination");
  return {.origin = {.lat = origin.required_latitude("lat"), .lng = origin.required_longitude("lng")},
          .destination = {.lat = destination.required_latitude("lat"), .lng = destination.required_longitude("lng")}};
}

bj::object Route::to_json() const {
  bj::array line;
  line.reserve(coordinates.size());
  for (const auto& p : coordinates) line.emplace_back(point(p));
  bj::array turns;
  turns.reserve(steps.size());
  for (const auto& s : steps) {
    turns.emplace_back(bj::object{{"name", s.name},
                                  {"instruction", s.instruction},
                                  {"location", point(s.location)},
                                  {"distance", s.distance},
                                  {"duration", s.duration}});
  }
  return {{"distance", distance},
          {"duration", duration},
          {"coordinates", std::move(line)},
          {"steps", std::move(turns)},
          {"source", source}};
}

Route estimate_route(const RouteRequest& request, double speed_kmh) {
  Route r;
  r.distance = rounded(geo::distance_meters(request.origin, request.destination), 0.1);
  r.duration = rounded(r.distance / (speed_kmh / 3.6), 0.1);
  r.coordinates = {request.origin, request.destination};
  r.source = "estimate";
  return r;
}

std::string osrm_target(const RouteRequest& request) {
  const auto& a = request.origin;
  const auto& b = request.destination;
  return "/route/v1/driving/" + json::number_text(a.lng) + "," + json::number_text(a.lat) + ";" +
         json::number_text(b.lng) + "," + json::number_text(b.lat) + "?overview=full&geometries=geojson&steps=true";
}

OsrmAnswer parse_osrm(std::string_view body) {
  boost::system::error_code ec;
  const auto value = bj::parse(body, ec);
  if (ec || !value.is_object()) throw std::runtime_error("OSRM answered something that is not JSON");
  const auto& o = value.get_object();
  const auto code = text(o, "code");
  if (code == "NoRoute" || code == "NoSegment") return {.no_route = true};
  if (code != "Ok") throw std::runtime_error("OSRM answered code '" + code + "'");
  const auto* routes = o.if_contains("routes");
  if (routes == nullptr || !routes->is_array() || routes->get_array().empty()) return {.no_route = true};
  const auto& first = routes->get_array().front();
  if (!first.is_object()) throw std::runtime_error("OSRM answered a malformed route");
  const auto& route = first.get_object();
  Route r;
  r.distance = number_at(route, "distance");
  r.duration = number_at(route, "duration");
  r.source = "osrm";
  if (const auto* g = route.if_contains("geometry"); g != nullptr && g->is_object()) {
    if (const auto* c = g->get_object().if_contains("coordinates"); c != nullptr && c->is_array()) {
      for (const auto& p : c->get_array()) {
        if (auto point = lng_lat(&p)) r.coordinates.push_back(*point);
      }
    }
  }
  if (const auto* legs = route.if_contains("legs"); legs != nullptr && legs->is_array()) {
    for (const auto& leg : legs->get_array()) {
      if (!leg.is_object()) continue;
      const auto* steps = leg.get_object().if_contains("steps");
      if (steps == nullptr || !steps->is_array()) continue;
      for (const auto& s : steps->get_array()) {
        if (s.is_object()) r.steps.push_back(read_step(s.get_object()));
      }
    }
  }
  return {.route = std::move(r)};
}

std::string instruction_text(std::string_view type, std::string_view modifier, std::string_view name,
                             std::optional<int> exit) {
  const std::string onto = name.empty() ? std::string() : " onto " + std::string(name);
  const std::string way = modifier.empty() ? std::string() : " " + std::string(modifier);
  if (type == "depart") return name.empty() ? "Start" : "Start on " + std::string(name);
  if (type == "arrive") return "Arrive at the destination";
  if (type == "turn" || type == "end of road" || type == "fork" || type == "ramp" || type == "on ramp" ||
      type == "off ramp") {
    if (modifier == "straight") return "Go straight" + onto;
    if (modifier == "uturn") return "Make a U-turn" + onto;
    const std::string verb = type == "turn" || type == "end of road" ? "Turn" : "Keep";
    return verb + way + onto;
  }
  if (type == "roundabout" || type == "rotary" || type == "exit roundabout" || type == "exit rotary") {
    if (exit) return "At the roundabout, take exit " + std::to_string(*exit) + onto;
    return "Go through the roundabout" + onto;
  }
  if (type == "merge") return "Merge" + way + onto;
  if (type == "new name" || type == "continue" || type == "notification") return "Continue" + way + onto;
  return "Continue" + onto;
}

}  // namespace uitgo::trip
