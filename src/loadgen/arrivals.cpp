#include "loadgen/arrivals.hpp"

#include <cmath>

namespace uitgo::loadgen {
namespace {

// Arrivals integrated over a whole stage: the area under a linear ramp.
double stage_area(double from, const Stage& s) { return (from + s.target) / 2.0 * s.seconds; }

// Time into a stage at which `need` arrivals (0 <= need <= area) have been
// integrated: solves from*t + (to-from)/(2D)*t^2 = need.
double time_into(double from, const Stage& s, double need) {
  const double a = (s.target - from) / (2.0 * s.seconds);
  if (std::abs(a) < 1e-12) return from > 0 ? need / from : 0.0;
  const double disc = std::max(0.0, from * from + 4.0 * a * need);
  return std::min(s.seconds, (-from + std::sqrt(disc)) / (2.0 * a));
}

// Guards against float noise placing an arrival a hair past a stage's end.
constexpr double kEpsilon = 1e-9;

}  // namespace

ArrivalSchedule::ArrivalSchedule(double start_rate, std::vector<Stage> stages)
    : stages_(std::move(stages)), stage_from_(start_rate) {}

std::optional<double> ArrivalSchedule::next() {
  while (stage_ < stages_.size()) {
    const auto& s = stages_[stage_];
    const double need = static_cast<double>(k_) - stage_base_;
    const double area = stage_area(stage_from_, s);
    // An arrival exactly at a stage's end belongs to the next stage (so that
    // a rate ending at zero does not fire one last time at the very end).
    if (s.seconds > 0 && need < area - kEpsilon) {
      ++k_;
      return stage_offset_ + time_into(stage_from_, s, need);
    }
    stage_base_ += area;
    stage_offset_ += s.seconds;
    stage_from_ = s.target;
    ++stage_;
  }
  return std::nullopt;
}

std::uint64_t ArrivalSchedule::total(double start_rate, const std::vector<Stage>& stages) {
  ArrivalSchedule s(start_rate, stages);
  std::uint64_t n = 0;
  while (s.next()) ++n;
  return n;
}

}  // namespace uitgo::loadgen
