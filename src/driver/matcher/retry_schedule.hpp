// When the matcher looks again for a driver for a trip nobody was free for.
// Pure.
#pragma once

#include <cstdint>

#include "core/base/async.hpp"

namespace uitgo::driver {

// The delays double from `base` up to `max` as the trip waits: `base` at
// first, 2 × base once it has waited base, 4 × base after 3 × base, and so
// on, as if it had been retried on that schedule since it was created. Taken
// from how long the trip has waited rather than from its event's delivery
// count, which re-publishing near MATCH_MAX_DELIVERIES starts again at 1: by
// that count the delays went 1, 2, 4, 8, 1, 2, ... seconds with the defaults
// and never reached MATCH_RETRY_MAX_MS.
Millis waiting_retry_delay(std::int64_t waited_ms, Millis base, Millis max);

}  // namespace uitgo::driver
