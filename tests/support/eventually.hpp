// Waiting in integration tests: poll a condition until it holds or time runs out.
#pragma once

#include <chrono>
#include <thread>

namespace uitgo::test {

// Polls `predicate` every `poll` until it holds or `timeout` passes; returns
// the last result.
template <typename F>
bool eventually(F predicate, std::chrono::milliseconds timeout = std::chrono::milliseconds(10000),
                std::chrono::milliseconds poll = std::chrono::milliseconds(50)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(poll);
  }
  return predicate();
}

}  // namespace uitgo::test
