// Who the matcher offers a trip with pickup coordinates to, in order: every
// located free driver in reach (nearest first, as the search ranked them),
// then, with MATCH_UNLOCATED_DRIVERS, the free drivers who have sent no
// position since going online (the original driver app sends positions only
// over a trip's WebSocket), longest waiting first. A driver whose position
// went stale is neither: it is not searchable and not unlocated. Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace uitgo::driver {

// An online driver without a position since going online, free since `waiting_since_ms`.
struct WaitingDriver {
  std::string id;
  std::int64_t waiting_since_ms = 0;
};

// Located drivers first (in the given order), then unlocated ones (when
// `include_unlocated`) by waiting_since_ms ascending, ties by id; at most
// `max_unlocated` of those. Excluded drivers and repeats are dropped.
std::vector<std::string> candidate_order(const std::vector<std::string>& located_nearest_first,
                                         std::vector<WaitingDriver> unlocated, const std::set<std::string>& excluded,
                                         bool include_unlocated, std::size_t max_unlocated);

// Whether a driver has sent no position since it went online at
// `online_since_ms`: no position at all, or only one received before that.
bool unlocated_since_online(std::optional<std::int64_t> last_position_ms, std::int64_t online_since_ms);

}  // namespace uitgo::driver
