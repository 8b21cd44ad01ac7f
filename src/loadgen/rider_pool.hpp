// Riders as people rather than one token firing requests: each rider holds at
// most one open trip (the server's MAX_OPEN_TRIPS_PER_RIDER, default 1). A
// trip request goes to a rider without an open trip; when every rider has
// one, the rider waiting longest gives up and cancels before asking again.
// A rider is free again when its request fails or when the simulated drivers
// finish its trip.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace uitgo::loadgen {

class RiderPool {
 public:
  explicit RiderPool(std::size_t riders);

  struct Turn {
    std::size_t rider = 0;
    std::optional<std::string> give_up;  // the rider's open trip, to cancel first
  };
  Turn next();
  // The rider's request made `trip_id` (201); an empty id frees the rider.
  void opened(std::size_t rider, const std::string& trip_id);
  void failed(std::size_t rider);
  // The trip reached completed or cancelled (the simulated drivers saw it).
  void ended(const std::string& trip_id);

  std::uint64_t given_up() const { return given_up_; }
  // Every open trip this run knows of, with its rider's index; forgets them.
  std::vector<std::pair<std::size_t, std::string>> take_open_trips();

 private:
  std::deque<std::size_t> free_;
  std::deque<std::pair<std::size_t, std::string>> waiting_;  // oldest trip first
  std::vector<std::string> open_;                            // per rider; "" = none
  std::unordered_map<std::string, std::size_t> rider_of_;
  std::size_t round_robin_ = 0;
  std::uint64_t given_up_ = 0;
};

// The open trip a 409 trip_in_progress answer names ("" when it names none).
std::string open_trip_named(std::string_view body);

}  // namespace uitgo::loadgen
