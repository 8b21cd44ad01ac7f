#include "loadgen/rider_pool.hpp"

namespace uitgo::loadgen {

RiderPool::RiderPool(std::size_t riders) : open_(riders) {
  for (std::size_t i = 0; i < riders; ++i) free_.push_back(i);
}

RiderPool::Turn RiderPool::next() {
  if (!free_.empty()) {
    const auto rider = free_.front();
    free_.pop_front();
    return {rider, std::nullopt};
  }
  while (!waiting_.empty()) {
    auto [rider, trip] = std::move(waiting_.front());
    waiting_.pop_front();
    if (open_[rider] != trip) continue;  // ended meanwhile, freed already
    open_[rider].clear();
    rider_of_.erase(trip);
    ++given_up_;
    return {rider, std::move(trip)};
  }
  // Every rider has a request in flight: more concurrency than riders.
  if (open_.empty()) return {};
  return {round_robin_++ % open_.size(), std::nullopt};
}

void RiderPool::opened(std::size_t rider, const std::string& trip_id) {
  if (rider >= open_.size()) return;
  if (trip_id.empty() || !open_[rider].empty()) {
    failed(rider);
    return;
  }
  open_[rider] = trip_id;
  rider_of_[trip_id] = rider;
  waiting_.emplace_back(rider, trip_id);
}

void RiderPool::failed(std::size_t rider) {
  if (rider < open_.size() && open_[rider].empty()) free_.push_back(rider);
}

void RiderPool::ended(const std::string& trip_id) {
  const auto found = rider_of_.find(trip_id);
  if (found == rider_of_.end()) return;
  const auto rider = found->second;
  rider_of_.erase(found);
  open_[rider].clear();
  free_.push_back(rider);
}

std::vector<std::pair<std::size_t, std::string>> RiderPool::take_open_trips() {
  std::vector<std::pair<std::size_t, std::string>> out;
  for (std::size_t rider = 0; rider < open_.size(); ++rider) {
    if (open_[rider].empty()) continue;
    out.emplace_back(rider, std::move(open_[rider]));
    open_[rider].clear();
    free_.push_back(rider);
  }
  rider_of_.clear();
  waiting_.clear();
  return out;
}

std::string open_trip_named(std::string_view body) {
  if (body.find(R"("code":"trip_in_progress")") == std::string_view::npos) return {};
  const auto open = body.find('(');
  constexpr std::size_t kUuidLength = 36;
  if (open == std::string_view::npos || body.size() < open + 2 + kUuidLength) return {};
  if (body[open + 1 + kUuidLength] != ')') return {};
  return std::string(body.substr(open + 1, kUuidLength));
}

}  // namespace uitgo::loadgen
