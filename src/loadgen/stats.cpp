#include "loadgen/stats.hpp"

namespace uitgo::loadgen {

void ScenarioStats::record(const std::string& request_name, int status, const std::string& error, bool expected,
                           Clock::duration latency) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
  const auto value = static_cast<std::uint64_t>(micros < 0 ? 0 : micros);
  durations.record(value);
  window.record(value);
  ++requests;
  ++window_requests;
  ++statuses[status];
  if (!expected) {
    ++failed;
    ++window_failed;
    ++failures[request_name + " -> " + (status == 0 ? error : std::to_string(status))];
  }
}

}  // namespace uitgo::loadgen
