// SPEC "Abuse limits" through the gateway with the limits on: a rider holds
// one open trip at a time (MAX_OPEN_TRIPS_PER_RIDER, also under concurrent
// creates), an Idempotency-Key replay still answers 201, and per-user token
// buckets in Redis (writes, search, pings) answer 429 rate_limited with
// Retry-After, shared by every instance behind the gateway.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "live/ws_client.hpp"
#include "support/api.hpp"
#include "support/eventually.hpp"
#include "support/ids.hpp"
#include "support/json.hpp"
#include "support/metrics.hpp"
#include "support/shared_environment.hpp"
#include "support/test_stack.hpp"
#include "trips/trip_api.hpp"

namespace uitgo::test::abuse {
namespace {

using trips::trip_body;

struct Stack {
  // Two instances of trip- and driver-service: a bucket must hold across them.
  TestStack stack{StackOptions{.postgres = true,
                               .redis = true,
                               .services = true,
                               .nginx = true,
                               .trip_instances = 2,
                               .driver_instances = 2,
                               .env = {{"LIFT_PER_USER_LIMITS", "false"},
                                       {"USER_SEARCHES_PER_MINUTE", "6"},
                                       {"USER_SEARCHES_BURST", "3"},
                                       {"USER_PINGS_PER_MINUTE", "6"},
                                       {"USER_PINGS_BURST", "4"},
                                       {"USER_WRITES_PER_MINUTE", "60"},
                                       {"USER_WRITES_BURST", "8"},
                                       {"WS_SOCKETS_PER_USER_TRIP", "2"},
                                       {"WS_FRAMES_PER_SECOND", "1"},
                                       {"WS_FRAME_BURST", "5"}}}};
  Api gateway{stack, stack.gateway_port};
};

Stack* env = nullptr;
const auto* const environment = share_per_binary(env, [] { return std::make_unique<Stack>(); });

HttpResponse create(const User& rider, const std::string& key = {}) {
  Headers headers;
  if (!key.empty()) headers.emplace_back("Idempotency-Key", key);
  return env->gateway.call("POST", "/v1/trips", rider, trip_body(), headers);
}

HttpResponse cancel(const User& rider, const std::string& trip_id) {
  return env->gateway.call("POST", "/v1/trips/" + trip_id + "/status", rider, json::object{{"status", "cancelled"}});
}

void expect_rate_limited(const HttpResponse& r) {
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(str(body_of(r), "code"), "rate_limited") << r.body;
  const auto retry_after = r.header("retry-after");
  ASSERT_FALSE(retry_after.empty());
  EXPECT_GE(std::stoi(retry_after), 1);
}

TEST(OpenTrips, ASecondOpenTripIsRefusedUntilTheFirstEnds) {
  const auto rider = env->gateway.user("rider");
  const auto first = create(rider, "first-" + rider.id);
  ASSERT_EQ(first.status, 201) << first.body;
  const auto first_id = str(body_of(first), "id");

  const auto second = create(rider);
  ASSERT_EQ(second.status, 409) << second.body;
  EXPECT_EQ(str(body_of(second), "code"), "trip_in_progress");
  EXPECT_NE(str(body_of(second), "error").find(first_id), std::string::npos) << "names the open trip";

  // The first request again, with its key: the same trip, 201.
  const auto replay = create(rider, "first-" + rider.id);
  ASSERT_EQ(replay.status, 201) << replay.body;
  EXPECT_EQ(str(body_of(replay), "id"), first_id);

  ASSERT_EQ(cancel(rider, first_id).status, 200);
  const auto next = create(rider);
  ASSERT_EQ(next.status, 201) << next.body;
  ASSERT_EQ(cancel(rider, str(body_of(next), "id")).status, 200);
  // Another rider is never held back by this one.
  const auto other = env->gateway.user("rider");
  EXPECT_EQ(create(other).status, 201);
}

TEST(OpenTrips, ConcurrentCreatesOpenExactlyOne) {
  const auto rider = env->gateway.user("rider");
  std::atomic<int> created{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      const auto r = create(rider);
      if (r.status == 201) ++created;
      if (r.status == 409 && str(body_of(r), "code") == "trip_in_progress") ++refused;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(refused.load(), 7);
  EXPECT_EQ(env->gateway.scalar(
                "trip_db", "SELECT count(*) FROM trips WHERE rider_id = '" + rider.id + "' AND status = 'requested'"),
            "1");
}

TEST(UserLimits, SearchesOverTheBurstGet429OnEveryInstance) {
  const auto rider = env->gateway.user("rider");
  const std::string search = "/v1/drivers/search?lat=10.77&lng=106.7&radius=3";
  for (int i = 0; i < 3; ++i) {
    const auto r = env->gateway.call("GET", search, rider);
    EXPECT_EQ(r.status, 200) << "call " << i << ": " << r.body;
  }
  // Round robin over two driver-service instances: the fourth is refused
  // wherever it lands.
  for (int i = 0; i < 2; ++i) expect_rate_limited(env->gateway.call("GET", search, rider));
  // Another user has a bucket of its own.
  EXPECT_EQ(env->gateway.call("GET", search, env->gateway.user("rider")).status, 200);
}

TEST(UserLimits, LocationPingsHaveTheirOwnBucket) {
  const auto driver = env->gateway.user("driver");
  const json::object at{{"lat", 10.77}, {"lng", 106.7}};
  int accepted = 0;
  HttpResponse last;
  for (int i = 0; i < 6; ++i) {
    last = env->gateway.call("PUT", "/v1/drivers/me/location", driver, at);
    if (last.status != 429) ++accepted;
  }
  EXPECT_EQ(accepted, 4) << last.body;
  expect_rate_limited(last);
}

TEST(UserLimits, WritesAreLimitedPerUserAndReadsAreNot) {
  const auto rider = env->gateway.user("rider");
  int refused = 0;
  for (int i = 0; i < 10; ++i) {
    // Each write is refused by the trip rules after the first; the bucket
    // counts them all the same.
    const auto r = create(rider);
    if (r.status == 429) {
      expect_rate_limited(r);
      ++refused;
    }
  }
  EXPECT_EQ(refused, 2) << "burst 8 of 10";
  for (int i = 0; i < 12; ++i) EXPECT_EQ(env->gateway.call("GET", "/v1/trips", rider).status, 200);
  double limited = 0;
  for (const auto port : env->stack.trip_ports) limited += metric(port, "user_limited_total", {"limit=\"writes\""}, 0);
  EXPECT_EQ(limited, 2.0);
}

}  // namespace
}  // namespace uitgo::test::abuse

namespace uitgo::test::abuse {
namespace {

// The gateway alone (no services behind it: a request it lets through gets
// a 502, one it refuses a 429). 1r/m, burst 1: two requests per client.
HttpResponse login_from(std::uint16_t port, const std::string& forwarded_for) {
  return http_request(port, "POST", "/auth/login", R"({"email":"x@y.zz","password":"p"})",
                      {{"X-Forwarded-For", forwarded_for}});
}

TEST(ClientLimits, ForwardedForCountsOnlyFromATrustedProxy) {
  const Env limit = {{"UITGO_AUTH_RATE", "1r/m"}, {"UITGO_AUTH_BURST", "1"}};
  Env behind_proxy = limit;
  behind_proxy.emplace_back("TRUSTED_PROXIES", "127.0.0.1");
  TestStack trusted({.postgres = false, .redis = false, .nginx = true, .env = behind_proxy});
  // Behind the trusted balancer each client has its own bucket.
  for (int i = 1; i <= 3; ++i) {
    const auto client = "198.51.100." + std::to_string(i);
    EXPECT_NE(login_from(trusted.gateway_port, client).status, 429) << client;
    EXPECT_NE(login_from(trusted.gateway_port, client).status, 429) << client;
  }
  EXPECT_EQ(login_from(trusted.gateway_port, "198.51.100.1").status, 429) << "the same client a third time";

  TestStack direct({.postgres = false, .redis = false, .nginx = true, .env = limit});
  // Without TRUSTED_PROXIES the header is the client's own claim: ignored.
  EXPECT_NE(login_from(direct.gateway_port, "198.51.100.1").status, 429);
  EXPECT_NE(login_from(direct.gateway_port, "198.51.100.2").status, 429);
  EXPECT_EQ(login_from(direct.gateway_port, "198.51.100.3").status, 429);
  // Driver registration (argon2id per request) shares the per-client limit.
  const auto r = http_request(direct.gateway_port, "POST", "/v1/drivers/register", "{}");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(str(body_of(r), "code"), "rate_limited");
}

}  // namespace
}  // namespace uitgo::test::abuse
