#include "support/metrics.hpp"

#include <sstream>

#include "support/http_client.hpp"

namespace uitgo::test {
namespace {

bool is_series_of(const std::string& line, const std::string& name) {
  return line.rfind(name, 0) == 0 && line.size() > name.size() &&
         (line[name.size()] == '{' || line[name.size()] == ' ');
}

bool has_labels(const std::string& line, const std::vector<std::string>& labels) {
  for (const auto& label : labels) {
    if (line.find(label) == std::string::npos) return false;
  }
  return true;
}

}  // namespace

std::string metrics_text(std::uint16_t port) { return http_request(port, "GET", "/metrics").body; }

double metric(std::uint16_t port, const std::string& name, const std::vector<std::string>& labels, double absent) {
  std::istringstream lines(metrics_text(port));
  bool found = false;
  double sum = 0;
  for (std::string line; std::getline(lines, line);) {
    if (!is_series_of(line, name) || !has_labels(line, labels)) continue;
    found = true;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return found ? sum : absent;
}

}  // namespace uitgo::test
