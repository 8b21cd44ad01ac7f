// The platform through the gateway, on real PostgreSQL (+ replica), Redis and
// nginx: health and readiness, error shapes, malformed input, graceful drain.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <memory>
#include <thread>

#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/json.hpp"
#include "support/shared_environment.hpp"
#include "support/test_stack.hpp"

namespace uitgo::test {

TestStack* platform_stack = nullptr;  // shared with client_test.cpp

namespace {

using namespace std::chrono_literals;

TestStack*& stack = platform_stack;

const auto* const environment = share_per_binary(stack, [] {
  return std::make_unique<TestStack>(
      StackOptions{.postgres = true, .replica = true, .redis = true, .services = true, .nginx = true});
});

const char* const kServices[] = {"user-service", "trip-service", "driver-service"};

int ready_status(const std::string& service) {
  return http_request(stack->gateway_port, "GET", "/" + service + "/ready").status;
}

TEST(Platform, EveryServiceIsHealthyAndReadyThroughTheGateway) {
  for (const std::string service : kServices) {
    const auto health = http_request(stack->gateway_port, "GET", "/" + service + "/health");
    EXPECT_EQ(health.status, 200) << service << ": " << health.body;
    EXPECT_NE(health.body.find(service), std::string::npos) << health.body;
    const auto ready = http_request(stack->gateway_port, "GET", "/" + service + "/ready");
    EXPECT_EQ(ready.status, 200) << service << ": " << ready.body;
  }
}

TEST(Platform, MetricsAreExposedInPrometheusFormat) {
  http_request(stack->trip_port, "GET", "/health");
  const auto metrics = http_request(stack->trip_port, "GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("# TYPE http_requests_total counter"), std::string::npos);
  EXPECT_NE(metrics.body.find("route=\"/health\""), std::string::npos);
  EXPECT_NE(metrics.body.find("pg_pool_connections"), std::string::npos) << metrics.body;
}

TEST(Platform, RequestIdIsPassedThroughAndGenerated) {
  const auto given = http_request(stack->gateway_port, "GET", "/user-service/health", "", {{"X-Request-Id", "t-42"}});
  EXPECT_EQ(given.header("x-request-id"), "t-42");
  const auto generated = http_request(stack->gateway_port, "GET", "/user-service/health");
  EXPECT_FALSE(generated.header("x-request-id").empty());
}

TEST(Platform, UnknownRouteIs404Json) {
  for (const std::string path : {"/v1/trips/1/nothing/here", "/v1/drivers/x/y/z", "/no-such-prefix"}) {
    const auto r = http_request(stack->gateway_port, "GET", path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(str(body_of(r), "code"), "not_found") << path << ": " << r.body;
  }
}

TEST(Platform, WrongMethodIs405Json) {
  const auto r = http_request(stack->gateway_port, "POST", "/trip-service/health", "{}");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(str(body_of(r), "code"), "method_not_allowed");
  EXPECT_EQ(r.header("allow"), "GET");
}

TEST(Platform, InternalPathsAreNotExposed) {
  const auto r = http_request(stack->gateway_port, "GET", "/internal/anything");
  EXPECT_EQ(r.status, 404);
}

TEST(Platform, MalformedHttpIs400AndTheServerKeepsServing) {
  const auto reply = raw_exchange(stack->driver_port, "GARBAGE / NOT-HTTP\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
  EXPECT_NE(reply.find("\"code\":\"bad_request\""), std::string::npos) << reply;
  const auto bad_length = raw_exchange(stack->driver_port, "POST /health HTTP/1.1\r\nContent-Length: x\r\n\r\n");
  EXPECT_EQ(bad_length.rfind("HTTP/1.1 400", 0), 0u) << bad_length;
  EXPECT_EQ(http_request(stack->driver_port, "GET", "/health").status, 200);
}

TEST(Platform, OversizedBodyIs413DirectlyAndThroughTheGateway) {
  const std::string big(70 * 1024, 'x');
  const auto direct = http_request(stack->user_port, "POST", "/health", big);
  EXPECT_EQ(direct.status, 413);
  EXPECT_EQ(str(body_of(direct), "code"), "payload_too_large");
  const auto gateway = http_request(stack->gateway_port, "POST", "/auth/register", big);
  EXPECT_EQ(gateway.status, 413);
  EXPECT_EQ(str(body_of(gateway), "code"), "payload_too_large");
  EXPECT_EQ(http_request(stack->user_port, "GET", "/health").status, 200);
}

TEST(Platform, ReadinessFollowsRedis) {
  stack->stop("redis");
  for (const std::string service : kServices) {
    EXPECT_TRUE(eventually([&] { return ready_status(service) == 503; })) << service;
  }
  EXPECT_EQ(http_request(stack->gateway_port, "GET", "/trip-service/health").status, 200);
  stack->start("redis");
  for (const std::string service : kServices) {
    EXPECT_TRUE(eventually([&] { return ready_status(service) == 200; })) << service;
  }
}

TEST(Platform, SigtermDrainsInFlightRequests) {
  // Half a request is in flight when SIGTERM arrives; it must still be answered.
  RawConnection connection(stack->driver_port);
  connection.send("POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345");
  std::this_thread::sleep_for(200ms);
  const int pid = stack->pid("driver-service");
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  std::this_thread::sleep_for(200ms);
  connection.send("67890");
  const auto reply = connection.read_all(5000ms);
  EXPECT_EQ(reply.rfind("HTTP/1.1 405", 0), 0u) << reply;
  EXPECT_NE(reply.find("Connection: close"), std::string::npos) << reply;
  EXPECT_TRUE(eventually([&] { return !process_alive(pid); })) << "driver-service did not exit";
  stack->start("driver-service");
  EXPECT_EQ(http_request(stack->driver_port, "GET", "/health").status, 200);
}

}  // namespace
}  // namespace uitgo::test
