// What a run measured: per scenario (latency histogram from the scheduled
// start, request/failure/drop counters, statuses, a one-second window for the
// progress line and the time series), the simulated drivers' counters, and the
// time series rows. Everything runs on one thread, so plain counters suffice.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/base/async.hpp"
#include "loadgen/histogram.hpp"

namespace uitgo::loadgen {

struct ScenarioStats {
  std::string name;
  Histogram durations;  // µs, every request of the scenario
  std::uint64_t requests = 0;
  std::uint64_t failed = 0;  // status outside the expected set, or no answer
  std::uint64_t iterations = 0;
  std::uint64_t dropped = 0;           // arrivals with no free VU left (k6's dropped_iterations)
  std::uint64_t riders_gave_up = 0;    // trips a rider cancelled to ask again (rider_pool.hpp)
  std::uint64_t give_up_failures = 0;  // of those cancels, answered neither 200 nor 409
  int vus_created = 0;
  int vus_busy = 0;
  std::map<int, std::uint64_t> statuses;          // 0 = no HTTP answer
  std::map<std::string, std::uint64_t> failures;  // "POST /v1/trips -> 500" or "... -> timeout"

  // The current second, reset by the progress ticker.
  Histogram window;
  std::uint64_t window_requests = 0;
  std::uint64_t window_failed = 0;

  void record(const std::string& request_name, int status, const std::string& error, bool expected,
              Clock::duration latency);
};

struct DriverStats {
  int drivers = 0;
  int online = 0;
  std::uint64_t online_failures = 0;
  std::uint64_t pings = 0;
  std::uint64_t ping_failures = 0;
  std::uint64_t polls = 0;
  std::uint64_t poll_failures = 0;
  std::uint64_t offers_seen = 0;
  std::uint64_t accepted = 0;
  std::uint64_t accept_failures = 0;  // e.g. the offer expired or was withdrawn meanwhile
  std::uint64_t completed = 0;
  std::uint64_t step_failures = 0;
  std::map<int, std::uint64_t> statuses;
};

struct TimeseriesRow {
  int second = 0;
  std::string scenario;
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  double p50_ms = 0, p95_ms = 0, p99_ms = 0;
};

struct RunStats {
  std::vector<ScenarioStats> scenarios;
  DriverStats drivers;
  std::string started_at;  // RFC 3339 UTC
  double seconds = 0;      // from the first scheduled arrival until the last answer
  std::optional<double> queue_depth_last;
  std::optional<double> queue_depth_max;
};

}  // namespace uitgo::loadgen
