// The platform through the gateway, on real PostgreSQL (+ replica), Redis and
// nginx: health and readiness, error shapes, malformed input, graceful drain.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
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

std::uint16_t port_of(const std::string& service) {
  return service == "user-service"   ? stack->user_port
         : service == "trip-service" ? stack->trip_port
                                     : stack->driver_port;
}

// Readiness is read on the service's own port: the gateway does not expose it.
int ready_status(const std::string& service) { return http_request(port_of(service), "GET", "/ready").status; }

TEST(Platform, EveryServiceIsHealthyThroughTheGatewayAndReadyOnItsPort) {
  for (const std::string service : kServices) {
    const auto health = http_request(stack->gateway_port, "GET", "/" + service + "/health");
    EXPECT_EQ(health.status, 200) << service << ": " << health.body;
    EXPECT_NE(health.body.find(service), std::string::npos) << health.body;
    const auto ready = http_request(port_of(service), "GET", "/ready");
    EXPECT_EQ(ready.status, 200) << service << ": " << ready.body;
    EXPECT_EQ(http_request(port_of(service), "GET", "/metrics").status, 200) << service;
  }
}

TEST(Platform, MetricsAndReadinessAreNotReachableThroughTheGateway) {
  for (const std::string path :
       {"/metrics", "/ready", "/metrics/", "/user-service/metrics", "/trip-service/metrics", "/driver-service/metrics",
        "/user-service/ready", "/trip-service/ready", "/driver-service/ready", "/v1/trips/metrics", "/v1/drivers/ready",
        "/auth/metrics", "/TRIP-SERVICE/METRICS", "/trip-service/./metrics", "/trip-service/%6detrics"}) {
    const auto r = http_request(stack->gateway_port, "GET", path);
    EXPECT_EQ(r.status, 404) << path << ": " << r.body;
    EXPECT_EQ(r.body.find("http_requests_total"), std::string::npos) << path;
    EXPECT_EQ(str(body_of(r), "code"), "not_found") << path << ": " << r.body;
  }
  EXPECT_EQ(http_request(stack->gateway_port, "GET", "/health").status, 200);
  EXPECT_EQ(http_request(stack->gateway_port, "GET", "/driver-service/health").status, 200);
}

TEST(Platform, UnknownMethodsAre501JsonAndCreateNoMetricSeries) {
  const std::string junk[] = {"PROBEQZ", "BREWXYZ", "FROBNICATE"};
  for (const auto& method : junk) {
    for (const std::string path : {"/trip-service/health", "/v1/trips", "/v1/drivers/search", "/users/me"}) {
      const auto r = http_request(stack->gateway_port, method, path);
      EXPECT_EQ(r.status, 501) << method << " " << path << ": " << r.body;
      EXPECT_EQ(str(body_of(r), "code"), "not_implemented") << method << " " << path << ": " << r.body;
    }
  }
  for (const std::string service : kServices) {
    const auto text = http_request(port_of(service), "GET", "/metrics").body;
    for (const auto& method : junk) EXPECT_EQ(text.find(method), std::string::npos) << service << ": " << method;
    EXPECT_NE(text.find("method=\"other\",status=\"501\""), std::string::npos) << service;
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

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Every log line of the stack (gateway and services) that holds `needle`.
std::vector<std::string> log_files_with(const std::string& needle) {
  std::vector<std::string> hits;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(stack->dir() + "/logs")) {
    if (!entry.is_regular_file()) continue;
    if (file_text(entry.path().string()).find(needle) != std::string::npos) hits.push_back(entry.path().string());
  }
  return hits;
}

TEST(Platform, TokensInQueryStringsNeverReachALog) {
  const std::string secret = "SECRETqz" + std::to_string(::getpid()) + "x";
  const std::string targets[] = {
      "/v1/trips/00000000-0000-0000-0000-000000000001/ws?token=" + secret,
      "/v1/trips/00000000-0000-0000-0000-000000000001/ws?accessToken=" + secret,
      "/v1/trips?accessToken=" + secret,
      "/v1/drivers/search?lat=10&lng=106&token=" + secret,
      "/users/me?x=1&ACCESSTOKEN=" + secret,
      "/users/me?%74oken=" + secret,
      "/no-such-route?token=" + secret,
  };
  for (const auto& target : targets) {
    http_request(stack->gateway_port, "GET", target, "",
                 {{"Connection", "Upgrade"},
                  {"Upgrade", "websocket"},
                  {"Sec-WebSocket-Version", "13"},
                  {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
    http_request(stack->gateway_port, "GET", target);
  }
  // A query without a token is still logged (the gateway buffers up to 1 s).
  const std::string marker = "probe" + std::to_string(::getpid());
  http_request(stack->gateway_port, "GET", "/v1/drivers/search?lat=10&lng=106&radius=" + marker);
  EXPECT_TRUE(eventually([&] { return !log_files_with(marker).empty(); })) << "the access log has no query at all";
  for (const auto& file : log_files_with(secret)) ADD_FAILURE() << "token logged in " << file;
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 07777;
  return st.st_mode & 0777;
}

TEST(Platform, RunFolderSecretsAndLogsAreTheOwnersOnly) {
  stack->seed();
  const auto& dir = stack->dir();
  EXPECT_EQ(mode_of(dir), 0700u) << dir;
  EXPECT_EQ(mode_of(dir + "/logs"), 0700u);
  EXPECT_EQ(mode_of(dir + "/secrets.env"), 0600u);
  EXPECT_EQ(mode_of(dir + "/demo-tokens.json"), 0600u);
  for (const char* log : {"user-service.log", "trip-service.log", "nginx-access.log", "seed.log"}) {
    EXPECT_EQ(mode_of(dir + "/logs/" + log), 0600u) << log;
  }
  // Secrets reach the services by environment, never on a command line.
  const auto secret = stack->jwt_secret();
  for (const std::string service : kServices) {
    const int pid = stack->pid(service);
    ASSERT_GT(pid, 0) << service;
    const auto cmdline = file_text("/proc/" + std::to_string(pid) + "/cmdline");
    EXPECT_EQ(cmdline.find(secret), std::string::npos) << service;
    EXPECT_EQ(cmdline.find("JWT_SECRET"), std::string::npos) << service;
    EXPECT_NE(file_text("/proc/" + std::to_string(pid) + "/environ").find("JWT_SECRET=" + secret), std::string::npos)
        << service;
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
