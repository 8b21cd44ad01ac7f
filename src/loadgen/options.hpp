// The command line of `uitgo loadgen`, parsed and checked before anything
// runs; a bad flag is a UsageError (exit status 2, one line on stderr).
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/base/config.hpp"

namespace uitgo::loadgen {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Options {
  std::string profile;  // name in scenarios_dir, or a path to a .json file
  std::string scenarios_dir;
  std::string only_scenarios;  // --scenario a,b
  std::string api_base;
  std::string tokens_file;
  std::string access_token;
  std::map<std::string, std::string> overrides;  // ${VARIABLE} values from flags
  std::map<std::string, std::string> ambient;    // from the environment
  std::string out = "-";
  std::string timeseries;
  std::string request_log;
  std::optional<std::string> metrics_url;
  double timeout_seconds = 10;
  bool fail_on_error = false;
  bool thresholds = true;
  bool progress = true;
};

extern const char* const kUsage;

config::Spec options_spec();
Options parse_options(const config::Values& env, const std::vector<std::string>& args);

}  // namespace uitgo::loadgen
