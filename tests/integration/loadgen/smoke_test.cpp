// `uitgo loadgen` end to end: load-test accounts seeded through
// `scripts/stack.sh seed`, the smoke profile shortened to 5 s through the
// gateway, a short trip_matching run with simulated drivers, and bad input
// (exit status 2 with one line on stderr). Nothing here depends on timing:
// thresholds are off (--no-thresholds) and only counts and statuses are checked.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/json.hpp"
#include "support/shared_environment.hpp"
#include "support/shell.hpp"
#include "support/test_stack.hpp"

namespace uitgo::test {
namespace {

TestStack* stack = nullptr;

const auto* const environment = share_per_binary(stack, [] {
  // The production limits: the load generator's riders hold one open trip each.
  auto s = std::make_unique<TestStack>(
      StackOptions{.services = true, .nginx = true, .env = {{"LIFT_PER_USER_LIMITS", "false"}}});
  // Ten load-test riders (more than the smoke profile's 5 VUs: each holds one
  // open trip) and three drivers (with driver profiles) into
  // <dir>/demo-tokens.json, the same way `make loadtest` gets its tokens.
  const auto seed =
      run_command("UITGO_RUN_DIR='" + s->dir() +
                  "' UITGO_BIN='" UITGO_BINARY "' SEED_DEMO=false SEED_RIDERS=10 SEED_DRIVERS=3 '" UITGO_SOURCE_DIR
                  "/scripts/stack.sh' seed >/dev/null 2>&1");
  if (seed.status != 0) throw std::runtime_error("stack.sh seed failed");
  return s;
});

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Outcome {
  int status = -1;
  std::string out;  // stdout, or the --out file when one was given
  std::string err;
};

std::string tokens_file() { return stack->dir() + "/demo-tokens.json"; }
std::string api_base() { return "http://127.0.0.1:" + std::to_string(stack->gateway_port); }

// Runs `uitgo loadgen ARGS` from the source tree; stdout and stderr captured.
Outcome loadgen(const std::string& args) {
  static int run = 0;
  const std::string err_file = stack->dir() + "/loadgen-" + std::to_string(++run) + ".err";
  const auto result = run_command("cd '" UITGO_SOURCE_DIR
                                  "' && env -u ACCESS_TOKEN -u TARGET_RPS -u DURATION -u VUS "
                                  "-u DRIVERS '" UITGO_BINARY "' loadgen " +
                                  args + " 2>'" + err_file + "'");
  return {result.status, result.out, read_file(err_file)};
}

int lines(const std::string& text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

std::uint64_t count(const json::object& summary, const std::string& metric, const char* field) {
  return summary.at("metrics").at(metric).at(field).to_number<std::uint64_t>();
}

// Exit status 2 and one line on stderr, which names the problem.
void expect_usage_error(const Outcome& outcome, const std::string& message) {
  EXPECT_EQ(outcome.status, 2) << outcome.err;
  EXPECT_EQ(lines(outcome.err), 1) << outcome.err;
  EXPECT_NE(outcome.err.find(message), std::string::npos) << outcome.err;
}

// No cleanup between tests: the load generator's riders cancel the trips
// still waiting when a run ends, so the next run starts with free riders.
TEST(Loadgen, SmokeProfileThroughTheGateway) {
  const std::string out = stack->dir() + "/smoke.json";
  const std::string csv = stack->dir() + "/smoke.csv";
  const auto r = loadgen("smoke --duration 5s --api-base " + api_base() + " --tokens " + tokens_file() +
                         " --no-thresholds --fail-on-error --quiet --out " + out + " --timeseries " + csv);
  ASSERT_EQ(r.status, 0) << r.err << r.out;
  const auto summary = json::parse(read_file(out)).as_object();
  EXPECT_EQ(summary.at("profile").as_string(), "smoke");
  EXPECT_GT(count(summary, "http_reqs", "count"), 0u);
  EXPECT_EQ(count(summary, "http_req_failed", "passes"), 0u) << json::serialize(summary.at("scenarios"));
  EXPECT_EQ(count(summary, "checks", "fails"), 0u);
  EXPECT_EQ(count(summary, "http_reqs{scenario:smoke}", "count"), count(summary, "http_reqs", "count"));
  for (const auto& [status, n] : summary.at("scenarios").at("smoke").at("statuses").as_object()) {
    EXPECT_TRUE(status == "200" || status == "201") << status << " x" << json::serialize(n);
  }
  const auto& duration = summary.at("metrics").at("http_req_duration").as_object();
  for (const char* key : {"avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"}) EXPECT_TRUE(duration.contains(key));
  const auto series = read_file(csv);
  EXPECT_EQ(series.rfind("t,scenario,requests,errors,p50_ms,p95_ms,p99_ms\n", 0), 0u) << series;
  EXPECT_NE(series.find(",smoke,"), std::string::npos);
}

TEST(Loadgen, TripMatchingWithSimulatedDrivers) {
  const auto r = loadgen("trip_matching --target-rps 5 --duration 2s --var SEARCH_RPS=5 --drivers 3 --api-base " +
                         api_base() + " --tokens " + tokens_file() + " --no-thresholds --fail-on-error --quiet");
  ASSERT_EQ(r.status, 0) << r.err << r.out;
  const auto summary = json::parse(r.out).as_object();
  EXPECT_GT(count(summary, "http_reqs{scenario:riders}", "count"), 0u);
  EXPECT_GT(count(summary, "http_reqs{scenario:driverSearch}", "count"), 0u);
  EXPECT_EQ(count(summary, "http_req_failed", "passes"), 0u) << json::serialize(summary.at("scenarios"));
  // More trips than riders: riders still waiting gave up (cancelled) to ask again, never a 409.
  const auto& riders = summary.at("scenarios").at("riders").as_object();
  EXPECT_GE(riders.at("ridersGaveUp").to_number<std::int64_t>(), 1) << json::serialize(riders);
  EXPECT_EQ(riders.at("giveUpFailures").to_number<std::int64_t>(), 0) << json::serialize(riders);
  EXPECT_EQ(riders.at("statuses").as_object().count("409"), 0u) << json::serialize(riders);
  const auto& drivers = summary.at("drivers").as_object();
  EXPECT_EQ(drivers.at("online").as_int64(), 3) << json::serialize(drivers);
  EXPECT_EQ(drivers.at("pingFailures").as_int64(), 0) << json::serialize(drivers);
  EXPECT_EQ(drivers.at("pollFailures").as_int64(), 0) << json::serialize(drivers);
}

TEST(Loadgen, MalformedScenarioFileExitsTwoWithOneLine) {
  const std::string file = stack->dir() + "/bad.json";
  std::ofstream(file) << R"({"scenarios": {"x": {"executor": "ramping", "request": {"path": "/health"}}}})";
  const auto r = loadgen(file + " --api-base " + api_base());
  expect_usage_error(r, "scenarios.x.executor");

  std::ofstream(file) << "{ not json";
  const auto broken = loadgen(file + " --api-base " + api_base());
  expect_usage_error(broken, "not valid JSON");
}

TEST(Loadgen, UnknownScenarioOrProfileExitsTwoWithOneLine) {
  const auto scenario = loadgen("smoke --scenario nope --api-base " + api_base());
  expect_usage_error(scenario, "unknown scenario 'nope'");

  const auto profile = loadgen("no_such_profile --api-base " + api_base());
  expect_usage_error(profile, "unknown profile");
}

TEST(Loadgen, BadSetupExitsTwoWithOneLine) {
  const auto unreachable = loadgen("smoke --api-base http://127.0.0.1:" + std::to_string(free_port()));
  expect_usage_error(unreachable, "unreachable");

  // A rider token alone cannot drive the simulated drivers.
  const auto no_drivers = loadgen("trip_matching --access-token x --api-base " + api_base());
  expect_usage_error(no_drivers, "no driver tokens");

  const auto flag = loadgen("smoke --target-rps 10 --api-base " + api_base());
  EXPECT_EQ(flag.status, 2);
  EXPECT_NE(flag.err.find("no variable TARGET_RPS"), std::string::npos) << flag.err;
}

// Last in this file: it stops a service (and starts it again).
TEST(Loadgen, ServiceDownBehindTheGatewayExitsTwo) {
  stack->stop("driver-service");
  const auto r = loadgen("smoke --api-base " + api_base() + " --tokens " + tokens_file());
  stack->start("driver-service");
  expect_usage_error(r, "GET /driver-service/health answered 50");
}

}  // namespace
}  // namespace uitgo::test
