// `uitgo <command>`: one binary, one subcommand per service or tool.
#include <cstring>
#include <iostream>
#include <vector>

#include "driver/service.hpp"
#include "loadgen/command.hpp"
#include "queue/dlq_command.hpp"
#include "trip/service.hpp"
#include "user/seed.hpp"
#include "user/service.hpp"

namespace {

using uitgo::service::Command;

std::vector<Command> commands() {
  return {uitgo::user::command(),      uitgo::trip::command(),      uitgo::driver::command(),
          uitgo::user::seed_command(), uitgo::queue::dlq_command(), uitgo::loadgen::command()};
}

int usage(std::ostream& out, int code) {
  out << "Usage: uitgo <command> [--help]\n\nCommands:\n";
  for (const auto& c : commands()) out << "  " << c.name << "\t" << c.summary << "\n";
  out << "\n`uitgo <command> --help` lists the environment variables a command reads.\n";
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(std::cerr, 2);
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") return usage(std::cout, 0);
  for (const auto& command : commands()) {
    if (command.name != name) continue;
    const auto spec = command.spec();
    if (argc > 2 && (std::strcmp(argv[2], "--help") == 0 || std::strcmp(argv[2], "-h") == 0)) {
      if (!command.usage.empty()) std::cout << command.usage << "\n";
      std::cout << spec.help_text("uitgo " + command.name);
      return 0;
    }
    try {
      const auto config = spec.load();
      if (command.run_with_args) return command.run_with_args(config, std::vector<std::string>(argv + 2, argv + argc));
      return command.run(config);
    } catch (const uitgo::config::ConfigError& e) {
      std::cerr << "uitgo " << command.name << ": " << e.what() << "\n";
      return 2;
    } catch (const std::exception& e) {
      std::cerr << "uitgo " << command.name << ": fatal: " << e.what() << "\n";
      return 1;
    }
  }
  std::cerr << "uitgo: unknown command '" << name << "'\n";
  return usage(std::cerr, 2);
}
