#include "support/shell.hpp"

#include <sys/wait.h>

#include <cstdio>

namespace uitgo::test {

CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string redis_cli(std::uint16_t port, const std::string& args) {
  auto out = run_command("redis-cli -p " + std::to_string(port) + " " + args + " 2>&1").out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace uitgo::test
