// Helpers shared by the driver-service integration tests: tokens, profiles,
// status, pings and searches against a running stack, plus direct Postgres
// and Redis look-ups.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/auth/jwt.hpp"
#include "support/http_client.hpp"
#include "support/test_stack.hpp"

namespace uitgo::test::drivers {

namespace json = boost::json;

// A random canonical (lower-case) UUID v4.
inline std::string new_uuid() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(36, '0');
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      s[i] = '-';
    } else {
      s[i] = kHex[rng() & 0xF];
    }
  }
  s[14] = '4';
  s[19] = kHex[8 + (rng() & 0x3)];
  return s;
}

// Unique per process and call: plate numbers are unique across drivers.
inline std::string new_plate() {
  static std::atomic<int> counter{0};
  return "T" + std::to_string(::getpid() % 100000) + "-" + std::to_string(++counter);
}

class Api {
 public:
  Api(const TestStack& stack, std::uint16_t port)
      : port_(port), jwt_(stack.jwt_secret()), internal_(stack.internal_token()) {}

  std::string token(const std::string& user_id, const std::string& role) const { return jwt_.issue(user_id, role); }
  const std::string& internal_token() const { return internal_; }
  std::uint16_t port() const { return port_; }

  HttpResponse call(const std::string& method, const std::string& target, const std::string& body = {},
                    const std::string& bearer = {}) const {
    Headers headers;
    if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
    return http_request(port_, method, target, body, headers);
  }
  HttpResponse internal(const std::string& method, const std::string& target, const std::string& body = {}) const {
    return http_request(port_, method, target, body, {{"X-Internal-Token", internal_}});
  }

  static json::object profile_body(const std::string& plate, const std::string& name = "Test Driver") {
    return {{"fullName", name},
            {"phone", "+84 900 000 000"},
            {"licenseNumber", "B2-0001"},
            {"vehicle",
             {{"make", "Honda"}, {"model", "Vision"}, {"color", "black"}, {"year", 2021}, {"plateNumber", plate}}}};
  }

  // Creates a driver profile through the internal endpoint; returns the id.
  std::string create_driver(const std::string& name = "Test Driver") const {
    const auto id = new_uuid();
    auto body = profile_body(new_plate(), name);
    body["id"] = id;
    const auto r = internal("POST", "/internal/drivers", json::serialize(body));
    EXPECT_EQ(r.status, 201) << r.body;
    return id;
  }

  int set_status(const std::string& id, bool online) const {
    return call("PATCH", "/v1/drivers/" + id + "/status",
                json::serialize(json::object{{"status", online ? "online" : "offline"}}), token(id, "driver"))
        .status;
  }

  int ping(const std::string& id, double lat, double lng) const {
    return call("PUT", "/v1/drivers/me/location", json::serialize(json::object{{"lat", lat}, {"lng", lng}}),
                token(id, "driver"))
        .status;
  }

  // Online at (lat, lng): profile, status and one ping.
  std::string online_driver(double lat, double lng, const std::string& name = "Test Driver") const {
    const auto id = create_driver(name);
    EXPECT_EQ(set_status(id, true), 200);
    EXPECT_EQ(ping(id, lat, lng), 204);
    return id;
  }

  HttpResponse search_raw(const std::string& query, const std::string& role = "rider") const {
    return call("GET", "/v1/drivers/search?" + query, {}, token(new_uuid(), role));
  }

  // Ids of the search results, nearest first (fails the test on a non-200).
  std::vector<std::string> search(double lat, double lng, double radius = 3000, int limit = 10) const {
    const auto r = search_raw("lat=" + num(lat) + "&lng=" + num(lng) + "&radius=" + num(radius) +
                              "&limit=" + std::to_string(limit));
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> ids;
    if (r.status != 200) return ids;
    const auto parsed = json::parse(r.body);
    for (const auto& item : parsed.at("items").as_array()) {
      ids.emplace_back(item.at("id").as_string());
    }
    return ids;
  }

  static std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
  }

 private:
  std::uint16_t port_;
  auth::Jwt jwt_;
  std::string internal_;
};

inline bool contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// First column of the first row of `sql` on `dsn` ("" when no row).
inline std::string sql_value(const std::string& dsn, const std::string& sql) {
  PGconn* conn = PQconnectdb(dsn.c_str());
  PGresult* res = PQexec(conn, sql.c_str());
  std::string out;
  if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0) {
    out = PQgetvalue(res, 0, 0);
  } else if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK) {
    ADD_FAILURE() << "SQL failed: " << sql << ": " << PQerrorMessage(conn);
  }
  PQclear(res);
  PQfinish(conn);
  return out;
}

// One redis-cli command; its output without the trailing newline.
inline std::string redis_cli(std::uint16_t port, const std::string& args) {
  const std::string command = "redis-cli -p " + std::to_string(port) + " " + args + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  std::string out;
  char buf[4096];
  while (pipe && std::fgets(buf, sizeof buf, pipe.get())) out += buf;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace uitgo::test::drivers
