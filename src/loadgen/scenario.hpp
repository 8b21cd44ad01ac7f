// A load profile (loadtests/scenarios/<name>.json) after parsing: named
// scenarios with their executor, requests and expected statuses, the k6-style
// thresholds, and the optional simulated drivers. The file format is described
// in loadtests/README.md; scenario_file.cpp reads and validates it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/request_template.hpp"

namespace uitgo::loadgen {

enum class Executor { ramping_arrival_rate, constant_arrival_rate, constant_vus };

// One linear segment of the arrival rate (iterations per second), like k6's
// ramping-arrival-rate stages; a constant rate is one stage from rate to rate.
struct Stage {
  double seconds = 0;
  double target = 0;
};

// Who signs the request: a rider token, a driver token, or nobody.
enum class Auth { none, rider, driver };

struct RequestSpec {
  std::string name;  // shown in errors and the summary, e.g. "POST /v1/trips"
  std::string method;
  Template path;
  std::optional<Template> body;
  std::vector<std::pair<std::string, Template>> headers;
  Auth auth = Auth::rider;
  std::vector<int> expect;  // a status outside this set is a failed check
};

struct Scenario {
  std::string name;
  Executor executor = Executor::constant_arrival_rate;
  double start_seconds = 0;  // startTime: offset from the start of the run
  // Arrival-rate executors.
  double start_rate = 0;  // per second
  std::vector<Stage> stages;
  int pre_allocated_vus = 1;
  int max_vus = 1;
  // constant-vus (closed loop).
  int vus = 0;
  double duration_seconds = 0;
  double think_seconds = 0;  // pause between a VU's iterations
  // Drawn once per iteration, shared by every request of the iteration.
  std::vector<Variable> variables;
  std::vector<RequestSpec> requests;  // run in order, once per iteration

  // Seconds from startTime until the last arrival may be scheduled.
  double active_seconds() const;
  // VUs this scenario may use at most.
  int vu_limit() const { return executor == Executor::constant_vus ? vus : max_vus; }
};

struct Area {
  double min_lat = 10.70, max_lat = 10.85, min_lng = 106.60, max_lng = 106.80;  // Ho Chi Minh City
};

// Simulated drivers: go online, stream locations and (optionally) accept the
// trips they are offered and drive them to completed.
struct DriversSpec {
  int count = 0;
  double location_seconds = 2;
  double poll_seconds = 1;
  bool accept_trips = true;
  double step_seconds = 1;  // pause between accepted, arriving, in_ride, completed
  Area area;
};

struct Profile {
  std::string name;
  std::string description;
  std::map<std::string, std::string> variables;  // ${NAME} values after overrides
  std::vector<Scenario> scenarios;
  // k6's form: metric (optionally {scenario:NAME}) -> expressions like "p(95)<250".
  std::vector<std::pair<std::string, std::vector<std::string>>> thresholds;
  std::optional<DriversSpec> drivers;

  double total_seconds() const;  // until the last scenario stops scheduling
};

}  // namespace uitgo::loadgen
