// trip-service calls shared by the trips, matching, live and replica tests:
// request bodies, creating and reading trips, a driver's actions.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <string>

#include "support/api.hpp"
#include "support/eventually.hpp"
#include "support/json.hpp"

namespace uitgo::test::trips {

inline constexpr double kPickupLat = 10.7725;
inline constexpr double kPickupLng = 106.698;

// A POST /v1/trips body by car from "Origin <tag>" to "Destination <tag>";
// with coordinates from (lat, lng) to a fixed destination unless
// `coordinates` is false.
inline json::object trip_body(const std::string& tag = "A", bool coordinates = true, double lat = kPickupLat,
                              double lng = kPickupLng) {
  json::object body{{"originText", "Origin " + tag}, {"destText", "Destination " + tag}, {"serviceId", "car"}};
  if (coordinates) {
    body["originLat"] = lat;
    body["originLng"] = lng;
    body["destLat"] = 10.8185;
    body["destLng"] = 106.6588;
  }
  return body;
}

// POST /v1/trips as `rider`; the trip ({} and a test failure unless 201).
inline json::object create_trip(const Api& api, const Caller& rider, const json::object& body = trip_body()) {
  const auto r = api.call("POST", "/v1/trips", rider, body);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? body_of(r) : json::object{};
}

// GET /v1/trips/{id} as `as`; the trip ({} and a test failure unless 200).
inline json::object get_trip(const Api& api, const Caller& as, const std::string& id) {
  const auto r = api.call("GET", "/v1/trips/" + id, as);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? body_of(r) : json::object{};
}

// Polls the trip (every 100 ms) until `done` holds or `timeout` passes; the
// last state seen.
inline json::object wait_trip(const Api& api, const Caller& as, const std::string& id,
                              const std::function<bool(const json::object&)>& done,
                              std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  json::object trip;
  eventually(
      [&] {
        trip = get_trip(api, as, id);
        return done(trip);
      },
      timeout, std::chrono::milliseconds(100));
  return trip;
}

// POST /v1/trips/{id}/status (or PATCH) as `as`.
inline HttpResponse set_status(const Api& api, const Caller& as, const std::string& id, const std::string& status,
                               const std::string& method = "POST") {
  return api.call(method, "/v1/trips/" + id + "/status", as, json::object{{"status", status}});
}

// POST /v1/trips/{id}/<action> (accept, decline) as `driver`.
inline HttpResponse trip_action(const Api& api, const Caller& driver, const std::string& id,
                                const std::string& action) {
  return api.call("POST", "/v1/trips/" + id + "/" + action, driver);
}

}  // namespace uitgo::test::trips
