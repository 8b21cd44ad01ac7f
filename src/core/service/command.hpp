// A subcommand of the `uitgo` binary: its config and its entry point.
#pragma once

#include <functional>
#include <string>

#include "core/base/config.hpp"

namespace uitgo::service {

struct Command {
  std::string name;
  std::string summary;
  std::function<config::Spec()> spec;
  std::function<int(const config::Values&)> run;
};

}  // namespace uitgo::service
