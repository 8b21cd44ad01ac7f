// Reads a load profile (loadtests/scenarios/<name>.json, format in
// loadtests/README.md): substitutes its ${VARIABLES}, checks every field and
// returns the parsed Profile. Any problem is a ScenarioError whose message
// names the file and the field, in one line.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/scenario.hpp"

namespace uitgo::loadgen {

struct ScenarioError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Overrides {
  // From command-line flags: the profile must declare each of them.
  std::map<std::string, std::string> required;
  // From the environment (TARGET_RPS, DURATION, ...): used when declared.
  std::map<std::string, std::string> ambient;
};

// The longest duration a profile or flag may give: longer is surely a typo,
// and every time the runner computes from durations stays within its clock.
inline constexpr double kMaxDurationSeconds = 30 * 24 * 3600.0;

// "30s", "1m30s", "500ms", "2h", or a plain number of seconds; nullopt for
// anything else, nan and inf included. Callers bound it (kMaxDurationSeconds).
std::optional<double> parse_duration(std::string_view text);

Profile parse_profile(std::string_view json_text, const std::string& name, const Overrides& overrides);

// `name_or_path`: a path (contains '/' or ends in .json) or a profile name
// looked up as <dir>/<name>.json.
Profile load_profile(const std::string& name_or_path, const std::string& dir, const Overrides& overrides);

// Keeps only the named scenarios (comma-separated); unknown names throw.
void select_scenarios(Profile& profile, const std::string& names);

}  // namespace uitgo::loadgen
