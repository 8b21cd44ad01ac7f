#include "core/http/send_queue.hpp"

#include <algorithm>

namespace uitgo::http {

SendQueue::Push SendQueue::push(Outgoing message) {
  if (items_.size() < capacity_) {
    items_.push_back(std::move(message));
    return Push::queued;
  }
  const auto oldest = std::find_if(items_.begin(), items_.end(), [](const Outgoing& o) { return o.droppable; });
  if (oldest != items_.end()) {
    items_.erase(oldest);
    items_.push_back(std::move(message));
    return Push::dropped_oldest;
  }
  if (message.droppable) return Push::dropped_new;
  return Push::overflow;
}

std::optional<Outgoing> SendQueue::pop() {
  if (items_.empty()) return std::nullopt;
  auto front = std::move(items_.front());
  items_.pop_front();
  return front;
}

}  // namespace uitgo::http
