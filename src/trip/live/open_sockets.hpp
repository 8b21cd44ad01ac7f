// The trip WebSockets open on this instance, by user: caps how many one user
// holds on one trip (WS_SOCKETS_PER_USER_TRIP; one more is refused with an
// error frame and close 1008, so one account cannot pile up subscriptions and
// send queues), and closes every socket of a user whose tokens were revoked
// (the deny list). Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/http/websocket.hpp"

namespace uitgo::trip {

class OpenSockets {
 public:
  explicit OpenSockets(std::size_t max_per_user_trip) : max_(max_per_user_trip) {}

  // A socket's place while it lives; admitted() is false when the user
  // already held the most sockets on that trip.
  class Place {
   public:
    Place(OpenSockets& sockets, const std::string& user, const std::string& trip, const http::WebSocket& ws);
    ~Place();
    Place(const Place&) = delete;
    Place& operator=(const Place&) = delete;
    bool admitted() const { return id_ != 0; }

   private:
    OpenSockets& sockets_;
    std::string user_;
    std::uint64_t id_ = 0;
  };

  std::size_t max_per_user_trip() const { return max_; }
  // Closes every socket of `user` with 1008 and `reason`; how many.
  std::size_t close_all_of(const std::string& user, const std::string& reason);

 private:
  struct Entry {
    std::string trip;
    http::WebSocket ws;
  };

  std::size_t max_;  // 0 = no cap
  std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::map<std::string, std::map<std::uint64_t, Entry>> by_user_;
};

}  // namespace uitgo::trip
