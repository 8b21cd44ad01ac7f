// driver-service calls shared by the driver, matching and live tests:
// profiles, going online, location pings and searches.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/object.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "support/api.hpp"
#include "support/ids.hpp"
#include "support/json.hpp"

namespace uitgo::test::drivers {

// A plate number no other driver of this process has.
inline std::string new_plate() { return "T" + unique_suffix(); }

// A POST /v1/drivers body.
inline json::object profile_body(const std::string& plate, const std::string& name = "Test Driver") {
  return {{"fullName", name},
          {"phone", "+84 900 000 000"},
          {"licenseNumber", "B2-0001"},
          {"vehicle",
           {{"make", "Honda"}, {"model", "Vision"}, {"color", "black"}, {"year", 2021}, {"plateNumber", plate}}}};
}

inline bool contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

class DriverApi : public Api {
 public:
  using Api::Api;

  // A driver profile created through POST /internal/drivers; its id.
  std::string create_driver(const std::string& name = "Test Driver") const {
    const auto id = new_uuid();
    auto body = profile_body(new_plate(), name);
    body["id"] = id;
    const auto r = internal("POST", "/internal/drivers", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return id;
  }

  int set_status(const std::string& id, bool online) const {
    const json::object body{{"status", online ? "online" : "offline"}};
    return call("PATCH", "/v1/drivers/" + id + "/status", token(id, "driver"), body).status;
  }

  int ping(const std::string& id, double lat, double lng) const {
    return call("PUT", "/v1/drivers/me/location", token(id, "driver"), json::object{{"lat", lat}, {"lng", lng}}).status;
  }

  // Driver `id` goes online and sends one ping from (lat, lng).
  void go_online(const std::string& id, double lat, double lng) const {
    EXPECT_EQ(set_status(id, true), 200);
    EXPECT_EQ(ping(id, lat, lng), 204);
  }

  // A new driver, online at (lat, lng): profile, status and one ping.
  std::string online_driver(double lat, double lng, const std::string& name = "Test Driver") const {
    const auto id = create_driver(name);
    go_online(id, lat, lng);
    return id;
  }

  HttpResponse search_raw(const std::string& query, const std::string& role = "rider") const {
    return call("GET", "/v1/drivers/search?" + query, token(role));
  }

  // Ids of the search results, nearest first (a test failure unless 200).
  std::vector<std::string> search(double lat, double lng, double radius = 3000, int limit = 10) const {
    const auto r = search_raw("lat=" + decimal(lat) + "&lng=" + decimal(lng) + "&radius=" + decimal(radius) +
                              "&limit=" + std::to_string(limit));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? ids_of(r) : std::vector<std::string>{};
  }
};

}  // namespace uitgo::test::drivers
