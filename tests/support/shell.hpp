// Running command-line tools from tests: uitgo's own commands, redis-cli.
#pragma once

#include <cstdint>
#include <string>

namespace uitgo::test {

struct CommandResult {
  int status = -1;  // exit status; -1 when the command did not exit normally
  std::string out;  // standard output
};

// Runs `command` through /bin/sh and waits for it.
CommandResult run_command(const std::string& command);

// One redis-cli command against 127.0.0.1:`port`; its output (errors
// included) without the trailing newline.
std::string redis_cli(std::uint16_t port, const std::string& args);

}  // namespace uitgo::test
