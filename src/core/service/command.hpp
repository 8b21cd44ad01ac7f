// A subcommand of the `uitgo` binary: its config and its entry point.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/base/config.hpp"

namespace uitgo::service {

struct Command {
  std::string name;
  std::string summary;
  std::function<config::Spec()> spec;
  std::function<int(const config::Values&)> run;
  // Commands that take positional arguments (`uitgo match-dlq replay --all`)
  // set this instead of `run`; it gets every argument after the command name.
  std::function<int(const config::Values&, const std::vector<std::string>&)> run_with_args = {};
  // Shown by `uitgo <command> --help` before the variables, e.g. the sub-commands.
  std::string usage = {};
};

}  // namespace uitgo::service
