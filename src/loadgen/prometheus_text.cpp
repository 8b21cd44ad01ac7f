#include "loadgen/prometheus_text.hpp"

#include <cstdlib>
#include <sstream>

namespace uitgo::loadgen {

std::optional<double> prometheus_gauge(const std::string& text, const std::string& name) {
  std::optional<double> total;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#' || line.rfind(name, 0) != 0) continue;
    const char after = line.size() > name.size() ? line[name.size()] : '\0';
    if (after != ' ' && after != '{') continue;  // another metric sharing the prefix
    const auto space = line.find(' ', line.find('}') == std::string::npos ? 0 : line.find('}'));
    if (space == std::string::npos) continue;
    char* end = nullptr;
    const double v = std::strtod(line.c_str() + space + 1, &end);
    if (end == line.c_str() + space + 1) continue;
    total = total.value_or(0) + v;
  }
  return total;
}

}  // namespace uitgo::loadgen
