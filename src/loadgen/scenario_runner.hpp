// Runs one scenario. Arrival-rate executors are an open model: every
// iteration starts at its scheduled time (arrivals.hpp) on a free virtual
// user, whether or not earlier ones have finished, and its latency counts from
// that scheduled time (no coordinated omission). With no VU free and maxVUs
// reached, the arrival is counted as dropped instead of being delayed.
// constant-vus is a closed loop: each VU starts its next iteration when the
// previous one has finished (plus thinkTime). A VU is one keep-alive
// connection; a new one is opened when the pre-allocated VUs are all busy.
#pragma once

#include <memory>
#include <random>
#include <vector>

#include "loadgen/connection.hpp"
#include "loadgen/run_context.hpp"
#include "loadgen/scenario.hpp"
#include "loadgen/stats.hpp"
#include "loadgen/wait_group.hpp"

namespace uitgo::loadgen {

// A rider cancelling its trip (POST /v1/trips/{id}/status) with `reason`.
Outgoing rider_cancel(const std::string& trip_id, const std::string& bearer, std::string_view reason);

class ScenarioRunner {
 public:
  ScenarioRunner(const Scenario& scenario, ScenarioStats& stats, RunContext& context);

  // Returns once scheduling is over and every started iteration has ended.
  awaitable<void> run();

 private:
  struct Vu {
    int id = 0;
    std::uint64_t iterations = 0;
    std::unique_ptr<Connection> connection;
  };

  awaitable<void> open_model();
  awaitable<void> closed_loop(Vu& vu, Clock::time_point end);
  awaitable<void> iteration(Vu& vu, Clock::time_point scheduled);
  awaitable<bool> give_up(Vu& vu, const std::string& bearer, const std::string& trip_id);
  awaitable<std::size_t> free_rider(Vu& vu);
  Vu* acquire();
  void release(Vu* vu);
  Vu& create_vu();
  std::vector<Value> draw_values(const Vu& vu);

  const Scenario& scenario_;
  ScenarioStats& stats_;
  RunContext& context_;
  WaitGroup running_;
  std::vector<std::unique_ptr<Vu>> vus_;
  std::vector<Vu*> idle_;
  std::mt19937_64 rng_;
  std::uint64_t iteration_number_ = 0;
};

}  // namespace uitgo::loadgen
