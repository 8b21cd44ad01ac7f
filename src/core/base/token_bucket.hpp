// An in-process token bucket: `burst` requests at once, then `per_second`.
// For limits that belong to one object (a WebSocket's frames); limits shared
// by several instances live in Redis (core/service/user_limits.hpp). Not
// thread-safe: one owner takes from it.
#pragma once

#include <algorithm>
#include <chrono>

namespace uitgo {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // per_second <= 0: unlimited.
  TokenBucket(double per_second, double burst, Clock::time_point now = Clock::now())
      : per_second_(per_second), burst_(std::max(1.0, burst)), tokens_(burst_), at_(now) {}

  // Takes one token if there is one.
  bool take(Clock::time_point now = Clock::now()) {
    if (per_second_ <= 0) return true;
    const double elapsed = std::chrono::duration<double>(now - at_).count();
    tokens_ = std::min(burst_, tokens_ + std::max(0.0, elapsed) * per_second_);
    at_ = now;
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  double per_second_;
  double burst_;
  double tokens_;
  Clock::time_point at_;
};

}  // namespace uitgo
