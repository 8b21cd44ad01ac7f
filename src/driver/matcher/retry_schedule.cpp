#include "driver/matcher/retry_schedule.hpp"

#include <algorithm>

namespace uitgo::driver {

Millis waiting_retry_delay(std::int64_t waited_ms, Millis base, Millis max) {
  auto delay = std::max(base, Millis(1));
  // The retry that asks for 2 × delay comes after base + 2 base + ... + delay
  // = 2 × delay − base of waiting.
  while (delay < max && waited_ms >= 2 * delay.count() - base.count()) delay *= 2;
  return std::min(delay, max);
}

}  // namespace uitgo::driver
