#include "core/base/faults.hpp"

#include <unistd.h>

#include "core/base/log.hpp"

namespace uitgo {

config::Spec faults_spec() {
  config::Spec s;
  s.string("UITGO_FAULTS", "",
           "TEST ONLY: comma-separated fault points to turn on (e.g. crash_after_commit, publish_twice); see "
           "each service's list in docs/ARCHITECTURE.md");
  return s;
}

Faults::Faults(const std::string& list, const std::set<std::string, std::less<>>& known) {
  std::string_view rest = list;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    auto name = rest.substr(0, comma);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (!name.empty()) {
      if (!known.contains(name))
        throw config::ConfigError("UITGO_FAULTS: unknown fault point '" + std::string(name) + "'");
      active_.emplace(name);
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
}

Faults Faults::from(const config::Values& config, const std::set<std::string, std::less<>>& known) {
  const auto& list = config.str("UITGO_FAULTS");
  Faults faults(list, known);
  for (const auto& point : faults.active()) log::warn("fault point on (test only)", {{"point", point}});
  return faults;
}

void Faults::crash(std::string_view point) {
  log::error("fault point: exiting now (test only)", {{"point", std::string(point)}});
  log::flush();
  ::_exit(1);
}

}  // namespace uitgo
