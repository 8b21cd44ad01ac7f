// Reads one gauge from a Prometheus text exposition (the matcher's
// match_queue_depth, shown by the progress line).
#pragma once

#include <optional>
#include <string>

namespace uitgo::loadgen {

// Sum of every `name` sample (all label sets) in Prometheus text; nullopt when absent.
std::optional<double> prometheus_gauge(const std::string& text, const std::string& name);

}  // namespace uitgo::loadgen
