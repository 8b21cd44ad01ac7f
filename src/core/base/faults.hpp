// Fault points: named places in the code where tests make a process fail on
// purpose (crash right after a commit, publish an event twice ...), to prove
// that nothing is lost or doubled when it happens for real. A point is on when
// its name is listed in UITGO_FAULTS (comma-separated); never in production.
//
//   if (faults.on("crash_after_commit")) faults.crash("crash_after_commit");
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "core/base/config.hpp"

namespace uitgo {

// UITGO_FAULTS.
config::Spec faults_spec();

class Faults {
 public:
  Faults() = default;
  // Throws config::ConfigError naming an unknown point (a typo must not
  // silently disable the fault a test relies on).
  Faults(const std::string& list, const std::set<std::string, std::less<>>& known);
  static Faults from(const config::Values& config, const std::set<std::string, std::less<>>& known);

  bool on(std::string_view point) const { return active_.contains(point); }
  bool any() const { return !active_.empty(); }
  const std::set<std::string, std::less<>>& active() const { return active_; }
  // Logs and ends the process at once (no destructors, no flushing of
  // anything but the log): what a kill -9 at this point would leave behind.
  [[noreturn]] static void crash(std::string_view point);

 private:
  std::set<std::string, std::less<>> active_;
};

}  // namespace uitgo
