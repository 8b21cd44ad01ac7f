// Shared by the home-content test binaries: the stack they run on, list reads
// and admin writes through the gateway, and the cache counters of user-service.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/array.hpp>

#include <cstdlib>
#include <optional>
#include <string>

#include "support/api.hpp"
#include "support/ids.hpp"
#include "support/json.hpp"
#include "support/metrics.hpp"
#include "support/test_stack.hpp"

namespace uitgo::test::home {

struct Home {
  TestStack stack;
  Api gateway;

  // The whole stack behind the gateway; `env` adds variables for the services.
  explicit Home(Env env = {})
      : stack(StackOptions{.postgres = true, .redis = true, .services = true, .nginx = true, .env = std::move(env)}),
        gateway(stack, stack.gateway_port) {}

  HttpResponse admin_call(const std::string& method, const std::string& path, const Body& body = {}) const {
    return gateway.call(method, path, gateway.token("admin"), body);
  }

  // GET that must succeed with a JSON array (what the apps parse); its items.
  json::array items(const std::string& path) const {
    const auto r = gateway.call("GET", path);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    if (r.status != 200) return {};
    const auto value = json::parse(r.body);
    EXPECT_TRUE(value.is_array()) << path << ": " << r.body;
    return value.is_array() ? value.as_array() : json::array{};
  }

  long long count(const std::string& table) const {
    return std::atoll(gateway.scalar("user_db", "SELECT count(*) FROM " + table).c_str());
  }

  // home_cache_requests_total{key=...,result=...} as user-service exports it (-1 when absent).
  double cache_counter(const std::string& key, const std::string& result) const {
    return metric(stack.user_port, "home_cache_requests_total", {"key=\"" + key + "\"", "result=\"" + result + "\""});
  }
};

// The item with this id in a list, if present.
inline std::optional<json::object> find_item(const json::array& items, const std::string& id) {
  for (const auto& item : items) {
    if (str(item, "id") == id) return item.as_object();
  }
  return std::nullopt;
}

// A title nobody else uses, so tests sharing the database do not see each other's rows.
inline std::string unique(const std::string& tag) { return tag + " " + unique_suffix(); }

}  // namespace uitgo::test::home
