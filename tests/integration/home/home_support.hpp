// Helpers shared by the home-content test binaries: calls through the gateway
// with minted tokens, direct SQL on user_db (bypassing the API) and reading
// the cache counters from /metrics.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>

#include "core/auth/jwt.hpp"
#include "support/http_client.hpp"
#include "support/test_stack.hpp"

namespace uitgo::home_test {

namespace json = boost::json;
using test::HttpResponse;

inline const char* const kAdminId = "00000000-0000-4000-8000-00000000ad01";
inline const char* const kRiderId = "00000000-0000-4000-8000-000000000001";

class Home {
 public:
  explicit Home(const test::TestStack& stack) : stack_(stack), jwt_(stack.jwt_secret()) {}

  std::string token(const std::string& role) const { return jwt_.issue(role == "admin" ? kAdminId : kRiderId, role); }
  std::string admin() const { return token("admin"); }

  HttpResponse call(const std::string& method, const std::string& path, const std::string& body = {},
                    const std::string& bearer = {}) const {
    test::Headers headers;
    if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return test::http_request(stack_.gateway_port, method, path, body, headers);
  }
  HttpResponse admin_call(const std::string& method, const std::string& path, const json::value& body = nullptr) const {
    return call(method, path, body.is_null() ? "" : json::serialize(body), admin());
  }

  // GET that must succeed; returns its "items".
  json::array items(const std::string& path) const {
    const auto r = call("GET", path);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    if (r.status != 200) return {};
    return json::parse(r.body).at("items").as_array();
  }

  // Runs SQL on user_db; returns the first value of the first row ("" if none).
  std::string sql(const std::string& statement) const {
    PGconn* conn = PQconnectdb(stack_.dsn("user_db").c_str());
    PGresult* res = PQexec(conn, statement.c_str());
    const auto status = PQresultStatus(res);
    EXPECT_TRUE(status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) << statement << ": " << PQerrorMessage(conn);
    std::string value = status == PGRES_TUPLES_OK && PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "";
    PQclear(res);
    PQfinish(conn);
    return value;
  }
  long long count(const std::string& table) const { return std::atoll(sql("SELECT count(*) FROM " + table).c_str()); }

  // home_cache_requests_total{key=...,result=...} as user-service exports it.
  double cache_counter(const std::string& key, const std::string& result) const {
    const auto r = test::http_request(stack_.gateway_port, "GET", "/user-service/metrics");
    const std::string series = "home_cache_requests_total{key=\"" + key + "\",result=\"" + result + "\"} ";
    const auto at = r.body.find(series);
    if (at == std::string::npos) return -1;
    return std::atof(r.body.c_str() + at + series.size());
  }

 private:
  const test::TestStack& stack_;
  auth::Jwt jwt_;
};

inline std::string str(const json::value& v, const char* key) { return std::string(v.at(key).as_string()); }

// The item with this id in a list, if present.
inline std::optional<json::object> find_item(const json::array& items, const std::string& id) {
  for (const auto& item : items) {
    if (str(item, "id") == id) return item.as_object();
  }
  return std::nullopt;
}

// A title nobody else uses, so tests sharing the database do not see each other's rows.
inline std::string unique(const std::string& tag) {
  static int counter = 0;
  return tag + " " + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

}  // namespace uitgo::home_test
