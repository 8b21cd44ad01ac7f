// Shared by the wallet test binaries: the whole stack behind the gateway.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/array.hpp>

#include <cstdlib>
#include <string>

#include "support/api.hpp"
#include "support/eventually.hpp"
#include "support/ids.hpp"
#include "support/json.hpp"
#include "support/metrics.hpp"
#include "support/test_stack.hpp"

namespace uitgo::test::wallet {

struct Stack {
  TestStack stack;
  Api gateway;
  Api user_service;

  explicit Stack(Env env = {})
      : stack(StackOptions{.postgres = true, .redis = true, .services = true, .nginx = true, .env = std::move(env)}),
        gateway(stack, stack.gateway_port),
        user_service(stack, stack.user_port) {}

  long long count(const std::string& database, const std::string& query) const {
    return std::atoll(gateway.scalar(database, query).c_str());
  }
};

// The JSON array of a 200 answer.
inline json::array array_of(const HttpResponse& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  const auto value = r.status == 200 ? json::parse(r.body) : json::value();
  EXPECT_TRUE(value.is_array()) << r.body;
  return value.is_array() ? value.as_array() : json::array{};
}

}  // namespace uitgo::test::wallet
