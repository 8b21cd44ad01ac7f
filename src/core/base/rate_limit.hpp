// A request refused because its caller (a client, an account) went over a
// limit: answered 429 rate_limited with Retry-After by the error middleware.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace uitgo {

struct RateLimitedError : std::runtime_error {
  RateLimitedError(std::string message, std::int64_t retry_after_seconds)
      : std::runtime_error(std::move(message)),
        retry_after_seconds(retry_after_seconds < 1 ? 1 : retry_after_seconds) {}

  std::int64_t retry_after_seconds;  // >= 1
};

}  // namespace uitgo
