// Shared by the matching test binaries: a whole stack (gateway, user-, trip-
// and driver-service with its matcher workers) plus riders, drivers and trips.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "drivers/driver_fixture.hpp"

namespace uitgo::test::matching {

namespace json = boost::json;
using namespace std::chrono_literals;
using drivers::Api;
using drivers::new_uuid;

inline constexpr double kPickupLat = 10.7725;
inline constexpr double kPickupLng = 106.698;

struct Stack {
  std::unique_ptr<TestStack> stack;
  std::unique_ptr<Api> gateway;  // public calls through nginx
  std::unique_ptr<Api> direct;   // driver-service's internal endpoints

  // `driver_instances` driver-service processes, each with its matcher workers.
  explicit Stack(std::vector<std::pair<std::string, std::string>> env, int driver_instances = 1) {
    stack = std::make_unique<TestStack>(StackOptions{.postgres = true,
                                                     .redis = true,
                                                     .services = true,
                                                     .nginx = true,
                                                     .driver_instances = driver_instances,
                                                     .env = std::move(env)});
    gateway = std::make_unique<Api>(*stack, stack->gateway_port);
    direct = std::make_unique<Api>(*stack, stack->driver_port);
  }

  std::string rider_token() const { return gateway->token(new_uuid(), "rider"); }
  std::string driver_token(const std::string& id) const { return gateway->token(id, "driver"); }

  // A driver with a profile, online, at (lat, lng).
  std::string online_driver(double lat = kPickupLat, double lng = kPickupLng) const {
    const auto id = direct->create_driver();
    EXPECT_EQ(gateway->set_status(id, true), 200);
    EXPECT_EQ(gateway->ping(id, lat, lng), 204);
    return id;
  }

  // POST /v1/trips as `rider`; returns the trip id ("" on failure).
  std::string create_trip(const std::string& rider, bool coordinates = true, double lat = kPickupLat,
                          double lng = kPickupLng) const {
    json::object b{{"originText", "Ben Thanh"}, {"destText", "Tan Son Nhat"}, {"serviceId", "car"}};
    if (coordinates) {
      b["originLat"] = lat;
      b["originLng"] = lng;
      b["destLat"] = 10.8185;
      b["destLng"] = 106.6588;
    }
    const auto r = gateway->call("POST", "/v1/trips", json::serialize(b), rider);
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return "";
    return std::string(json::parse(r.body).at("id").as_string());
  }

  json::object trip(const std::string& id, const std::string& token) const {
    const auto r = gateway->call("GET", "/v1/trips/" + id, {}, token);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return {};
    return json::parse(r.body).as_object();
  }

  // Polls the trip until `done` holds or `timeout` passes; the last state seen.
  json::object wait_trip(const std::string& id, const std::string& token,
                         const std::function<bool(const json::object&)>& done,
                         std::chrono::milliseconds timeout = 20s) const {
    const auto until = std::chrono::steady_clock::now() + timeout;
    json::object t;
    for (;;) {
      t = trip(id, token);
      if (done(t) || std::chrono::steady_clock::now() >= until) return t;
      std::this_thread::sleep_for(100ms);
    }
  }

  HttpResponse driver_action(const std::string& trip_id, const std::string& driver_id,
                             const std::string& action) const {
    return gateway->call("POST", "/v1/trips/" + trip_id + "/" + action, {}, driver_token(driver_id));
  }
  HttpResponse set_trip_status(const std::string& trip_id, const std::string& driver_id,
                               const std::string& status) const {
    return gateway->call("POST", "/v1/trips/" + trip_id + "/status", json::serialize(json::object{{"status", status}}),
                         driver_token(driver_id));
  }

  // Polls driver search at (lat, lng) until `driver` is among the results or
  // `timeout` passes; whether it was found (released drivers come back).
  bool wait_searchable(const std::string& driver, double lat, double lng,
                       std::chrono::milliseconds timeout = 10s) const {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (drivers::contains(gateway->search(lat, lng), driver)) return true;
      if (std::chrono::steady_clock::now() >= until) return false;
      std::this_thread::sleep_for(100ms);
    }
  }

  std::string trip_sql(const std::string& query) const { return drivers::sql_value(stack->dsn("trip_db"), query); }
};

inline std::string str(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return (v != nullptr && v->is_string()) ? std::string(v->as_string()) : std::string();
}

inline bool has_driver(const json::object& t) { return !str(t, "driverId").empty(); }

}  // namespace uitgo::test::matching
