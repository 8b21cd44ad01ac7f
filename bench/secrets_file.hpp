// The benchmark tools read a stack's run-dir secrets.env (JWT_SECRET,
// INTERNAL_TOKEN, one NAME=value per line) to mint tokens and call /internal/*.
#pragma once

#include <fstream>
#include <stdexcept>
#include <string>

namespace uitgo::bench {

inline std::string secret(const std::string& file, const std::string& name) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + "=", 0) == 0) return line.substr(name.size() + 1);
  }
  throw std::runtime_error(name + " not found in " + file);
}

}  // namespace uitgo::bench
