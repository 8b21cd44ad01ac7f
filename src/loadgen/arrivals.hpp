// When the iterations of an arrival-rate scenario start. The rate follows the
// stages (linear from the previous target to the next, like k6), and the
// k-th arrival (k = 0, 1, ...) happens when the integral of the rate reaches
// k: the times are fixed in advance and do not depend on how fast the server
// answers (an open model).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "loadgen/scenario.hpp"

namespace uitgo::loadgen {

class ArrivalSchedule {
 public:
  ArrivalSchedule(double start_rate, std::vector<Stage> stages);

  // Seconds from the scenario's start of the next arrival; nullopt once the
  // stages are over.
  std::optional<double> next();

  // Arrivals over the whole schedule (for tests and the plan line).
  static std::uint64_t total(double start_rate, const std::vector<Stage>& stages);

 private:
  std::vector<Stage> stages_;
  std::size_t stage_ = 0;
  double stage_offset_ = 0;  // seconds at which stage_ begins
  double stage_base_ = 0;    // arrivals integrated before stage_
  double stage_from_ = 0;    // rate at the start of stage_
  std::uint64_t k_ = 0;      // next arrival number
};

}  // namespace uitgo::loadgen
