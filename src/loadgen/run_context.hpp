// What every part of a run shares: the executor (one thread), where requests
// go, the tokens, the request timeout and the run's clock.
#pragma once

#include <memory>
#include <ostream>

#include "core/base/async.hpp"
#include "loadgen/connection.hpp"
#include "loadgen/rider_pool.hpp"
#include "loadgen/tokens.hpp"

namespace uitgo::loadgen {

struct RunContext {
  asio::any_io_executor executor;
  std::shared_ptr<const Endpoint> endpoint;
  Tokens tokens;
  Clock::duration timeout = std::chrono::seconds(10);
  Clock::time_point t0;                 // second 0 of the run: scenarios' startTime counts from here
  bool load_done = false;               // every scenario has finished; drivers and the ticker stop
  bool interrupted = false;             // SIGINT/SIGTERM: scenarios schedule nothing more
  std::ostream* request_log = nullptr;  // --request-log: a line per scenario request (request_log.hpp)
  std::ostream* timeseries = nullptr;   // --timeseries: a line per scenario and second (summary.hpp)
  std::uint64_t rider_turn = 0;
  std::uint64_t driver_turn = 0;
  // Trip requests go to riders without an open trip (with more than one
  // rider token; a single token cycles as k6 does and needs a stack with
  // LIFT_PER_USER_LIMITS).
  std::unique_ptr<RiderPool> riders;

  // Round robin over the tokens of a role ("" when there are none).
  const std::string& rider_token() {
    static const std::string none;
    return tokens.riders.empty() ? none : tokens.riders[rider_turn++ % tokens.riders.size()].token;
  }
  const std::string& driver_token() {
    static const std::string none;
    return tokens.drivers.empty() ? none : tokens.drivers[driver_turn++ % tokens.drivers.size()].token;
  }
};

inline Clock::duration to_duration(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

}  // namespace uitgo::loadgen
