#include "support/ids.hpp"

#include <unistd.h>

#include <atomic>
#include <random>

namespace uitgo::test {

std::string new_uuid() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(36, '0');
  for (std::size_t i = 0; i < s.size(); ++i) {
    s[i] = (i == 8 || i == 13 || i == 18 || i == 23) ? '-' : kHex[rng() & 0xF];
  }
  s[14] = '4';
  s[19] = kHex[8 + (rng() & 0x3)];
  return s;
}

std::string unique_suffix() {
  static std::atomic<int> counter{0};
  return std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

}  // namespace uitgo::test
