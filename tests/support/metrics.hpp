// Prometheus metrics of a running server, scraped from its /metrics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace uitgo::test {

// The exposition text of 127.0.0.1:`port`/metrics.
std::string metrics_text(std::uint16_t port);

// The sum of the samples of `name` whose labels include every entry of
// `labels` (written as in the exposition: reason="dropped_oldest"); `absent`
// when no series matches.
double metric(std::uint16_t port, const std::string& name, const std::vector<std::string>& labels = {},
              double absent = -1);

}  // namespace uitgo::test
