// One run of a profile: checks that the API base answers and that the tokens
// fit the profile, brings the simulated drivers online, starts every scenario
// at second 0 (plus its startTime) with the progress ticker, waits for them
// (SIGINT/SIGTERM ends scheduling early), then sends the drivers offline.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "loadgen/run_context.hpp"
#include "loadgen/scenario.hpp"
#include "loadgen/stats.hpp"

namespace uitgo::loadgen {

// The run could not start (API base unreachable, tokens missing): exit 2.
struct SetupError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Run {
  Profile& profile;
  RunContext context;
  RunStats stats;
  bool login = false;  // no tokens given: log in the demo accounts first
  bool progress = true;
  std::optional<std::string> metrics_url;
};

awaitable<void> execute(Run& run);

}  // namespace uitgo::loadgen
