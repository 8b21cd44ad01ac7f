// POST /routes's pure part: the request, the straight-line estimate, OSRM's
// answer mapped to what the apps read, instructions.
#include "trip/routing/route_shape.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/base/errors.hpp"
#include "core/base/json_text.hpp"

using namespace uitgo::trip;
using uitgo::DomainError;

namespace {

const RouteRequest kUit{.origin = {.lat = 10.8705, .lng = 106.8032}, .destination = {.lat = 10.8788, .lng = 106.8065}};

std::string failing_field(std::string_view body) {
  try {
    uitgo::json::parse_body<RouteRequest>(body);
  } catch (const DomainError& e) {
    return e.field().value_or(e.code());
  }
  return "accepted";
}

}  // namespace

TEST(RouteShape, TheAppsRequest) {
  const auto r = uitgo::json::parse_body<RouteRequest>(
      R"({"origin":{"lat":10.8705,"lng":106.8032},"destination":{"lat":10.8788,"lng":106.8065}})");
  EXPECT_EQ(r.origin.lat, 10.8705);
  EXPECT_EQ(r.destination.lng, 106.8065);
  EXPECT_EQ(failing_field(R"({"destination":{"lat":1,"lng":2}})"), "origin");
  EXPECT_EQ(failing_field(R"({"origin":{"lat":91,"lng":2},"destination":{"lat":1,"lng":2}})"), "origin.lat");
  EXPECT_EQ(failing_field(R"({"origin":{"lat":1,"lng":2},"destination":{"lat":1,"lng":"x"}})"), "destination.lng");
  EXPECT_EQ(failing_field(R"({"origin":{"lat":1,"lng":2},"destination":{"lat":1,"lng":181}})"), "destination.lng");
  EXPECT_EQ(failing_field(R"({"origin":{"lat":0,"lng":0},"destination":{"lat":0,"lng":0}})"), "accepted");
}

TEST(RouteShape, StraightLineEstimate) {
  const auto r = estimate_route(kUit, 25);
  EXPECT_NEAR(r.distance, 993, 5);  // about 1 km
  EXPECT_NEAR(r.duration, r.distance / (25 / 3.6), 0.1);
  ASSERT_EQ(r.coordinates.size(), 2u);
  EXPECT_EQ(r.source, "estimate");
  EXPECT_TRUE(r.steps.empty());
  const auto json = r.to_json();
  EXPECT_EQ(uitgo::json::to_text(json.at("coordinates")), "[[106.8032,10.8705],[106.8065,10.8788]]")
      << "[lng, lat] pairs, as the apps read them";
  EXPECT_TRUE(json.at("steps").as_array().empty());
  EXPECT_TRUE(json.at("distance").is_double());
  EXPECT_EQ(estimate_route({.origin = kUit.origin, .destination = kUit.origin}, 25).distance, 0);
}

TEST(RouteShape, OsrmTarget) {
  EXPECT_EQ(osrm_target(kUit),
            "/route/v1/driving/106.8032,10.8705;106.8065,10.8788?overview=full&geometries=geojson&steps=true");
}

TEST(RouteShape, OsrmAnswerMapsToTheAppsShape) {
  const auto answer = parse_osrm(R"({"code":"Ok","routes":[{"distance":1234.5,"duration":210.2,
    "geometry":{"type":"LineString","coordinates":[[106.8032,10.8705],[106.804,10.871],[106.8065,10.8788]]},
    "legs":[{"steps":[
      {"distance":100.5,"duration":20,"name":"Đường Hàn Thuyên","maneuver":{"type":"depart","location":[106.8032,10.8705]}},
      {"distance":1134,"duration":190.2,"name":"Xa lộ Hà Nội","maneuver":{"type":"turn","modifier":"left","location":[106.804,10.871]}},
      {"distance":0,"duration":0,"name":"","maneuver":{"type":"arrive","location":[106.8065,10.8788]}}]}]}],
    "waypoints":[]})");
  ASSERT_TRUE(answer.route);
  const auto& r = *answer.route;
  EXPECT_EQ(r.distance, 1234.5);
  EXPECT_EQ(r.duration, 210.2);
  EXPECT_EQ(r.coordinates.size(), 3u);
  ASSERT_EQ(r.steps.size(), 3u);
  EXPECT_EQ(r.steps[1].instruction, "Turn left onto Xa lộ Hà Nội");
  EXPECT_EQ(r.steps[1].location.lat, 10.871);
  EXPECT_EQ(r.steps[2].instruction, "Arrive at the destination");
  EXPECT_EQ(r.source, "osrm");
  const auto json = r.to_json();
  const auto& step = json.at("steps").as_array()[1].as_object();
  for (const char* key : {"name", "instruction", "location", "distance", "duration"}) EXPECT_TRUE(step.contains(key));
  EXPECT_EQ(uitgo::json::to_text(step.at("location")), "[106.804,10.871]");
}

TEST(RouteShape, OsrmNoRouteAndGarbage) {
  EXPECT_TRUE(parse_osrm(R"({"code":"NoRoute","message":"Impossible route"})").no_route);
  EXPECT_TRUE(parse_osrm(R"({"code":"Ok","routes":[]})").no_route);
  EXPECT_THROW(parse_osrm("<html>bad gateway</html>"), std::runtime_error);
  EXPECT_THROW(parse_osrm(R"({"code":"InvalidQuery"})"), std::runtime_error);
}

TEST(RouteShape, Instructions) {
  EXPECT_EQ(instruction_text("depart", "", "Đường số 1"), "Start on Đường số 1");
  EXPECT_EQ(instruction_text("turn", "right", ""), "Turn right");
  EXPECT_EQ(instruction_text("turn", "uturn", "A"), "Make a U-turn onto A");
  EXPECT_EQ(instruction_text("fork", "slight left", "B"), "Keep slight left onto B");
  EXPECT_EQ(instruction_text("roundabout", "right", "C", 2), "At the roundabout, take exit 2 onto C");
  EXPECT_EQ(instruction_text("new name", "straight", "D"), "Continue straight onto D");
  EXPECT_EQ(instruction_text("something new", "", "E"), "Continue onto E");
}
