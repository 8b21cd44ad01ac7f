#include "trip/live/open_sockets.hpp"

#include <algorithm>

namespace uitgo::trip {

OpenSockets::Place::Place(OpenSockets& sockets, const std::string& user, const std::string& trip,
                          const http::WebSocket& ws)
    : sockets_(sockets), user_(user) {
  const std::lock_guard lock(sockets_.mutex_);
  auto& mine = sockets_.by_user_[user_];
  const auto on_trip = std::count_if(mine.begin(), mine.end(), [&](const auto& e) { return e.second.trip == trip; });
  if (sockets_.max_ > 0 && static_cast<std::size_t>(on_trip) >= sockets_.max_) {
    if (mine.empty()) sockets_.by_user_.erase(user_);
    return;
  }
  id_ = sockets_.next_id_++;
  mine.emplace(id_, Entry{trip, ws});
}

OpenSockets::Place::~Place() {
  if (id_ == 0) return;
  const std::lock_guard lock(sockets_.mutex_);
  const auto found = sockets_.by_user_.find(user_);
  if (found == sockets_.by_user_.end()) return;
  found->second.erase(id_);
  if (found->second.empty()) sockets_.by_user_.erase(found);
}

std::size_t OpenSockets::close_all_of(const std::string& user, const std::string& reason) {
  std::vector<http::WebSocket> closing;
  {
    const std::lock_guard lock(mutex_);
    const auto found = by_user_.find(user);
    if (found == by_user_.end()) return 0;
    for (const auto& [id, entry] : found->second) closing.push_back(entry.ws);
  }
  for (const auto& ws : closing) ws.close(http::CloseCode::policy_violation, reason);
  return closing.size();
}

}  // namespace uitgo::trip
