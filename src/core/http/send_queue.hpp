// The outgoing queue of one WebSocket connection, and what happens when a
// client reads slower than events arrive. Pure logic, unit-tested.
//
// Policy when the queue is full (capacity messages waiting):
//   1. a droppable message (a location update: the next one supersedes it)
//      is waiting → the OLDEST droppable message is dropped, the new one queued;
//   2. otherwise the new message is droppable → it is dropped;
//   3. otherwise (only essential messages such as status changes) → overflow:
//      the connection is closed with 1008 (policy violation), because a client
//      that silently missed a status change would show a wrong trip state.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>

namespace uitgo::http {

struct Outgoing {
  std::string text;
  bool droppable = false;
};

class SendQueue {
 public:
  enum class Push { queued, dropped_oldest, dropped_new, overflow };

  explicit SendQueue(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  Push push(Outgoing message);
  std::optional<Outgoing> pop();
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  std::deque<Outgoing> items_;
  std::size_t capacity_;
};

}  // namespace uitgo::http
