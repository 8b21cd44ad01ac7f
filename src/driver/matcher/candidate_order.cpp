#include "driver/matcher/candidate_order.hpp"

#include <algorithm>
#include <unordered_set>

namespace uitgo::driver {

std::vector<std::string> candidate_order(const std::vector<std::string>& located_nearest_first,
                                         std::vector<WaitingDriver> unlocated, const std::set<std::string>& excluded,
                                         bool include_unlocated, std::size_t max_unlocated) {
  std::vector<std::string> order;
  std::unordered_set<std::string> seen;
  const auto take = [&](const std::string& id) {
    if (excluded.contains(id) || !seen.insert(id).second) return false;
    order.push_back(id);
    return true;
  };
  for (const auto& id : located_nearest_first) take(id);
  if (!include_unlocated) return order;
  std::sort(unlocated.begin(), unlocated.end(), [](const WaitingDriver& a, const WaitingDriver& b) {
    return a.waiting_since_ms != b.waiting_since_ms ? a.waiting_since_ms < b.waiting_since_ms : a.id < b.id;
  });
  std::size_t taken = 0;
  for (const auto& d : unlocated) {
    if (taken == max_unlocated) break;
    if (take(d.id)) ++taken;
  }
  return order;
}

bool unlocated_since_online(std::optional<std::int64_t> last_position_ms, std::int64_t online_since_ms) {
  return !last_position_ms || *last_position_ms < online_since_ms;
}

}  // namespace uitgo::driver
