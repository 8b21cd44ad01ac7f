#include "trip/live/location_forwarder.hpp"

#include <boost/asio/detached.hpp>

#include "core/base/log.hpp"

namespace uitgo::trip {

LocationForwarder::LocationForwarder(asio::any_io_executor executor, peers::DriverClient& drivers,
                                     metrics::Registry& metrics, std::size_t max_in_flight)
    : executor_(std::move(executor)),
      drivers_(drivers),
      max_in_flight_(max_in_flight),
      failures_(metrics.counter("trip_live_forward_failures_total", "driver locations driver-service did not take")),
      dropped_(metrics.counter("trip_live_forward_dropped_total",
                               "driver locations not forwarded (too many drivers with a call in flight)")),
      coalesced_(metrics.counter("trip_live_forward_coalesced_total",
                                 "driver locations superseded by a newer one before they were forwarded")) {}

void LocationForwarder::forward(const std::string& driver_id, double lat, double lng, std::int64_t recorded_ms) {
  const Fix fix{lat, lng, recorded_ms};
  {
    std::lock_guard lock(mutex_);
    if (auto it = in_flight_.find(driver_id); it != in_flight_.end()) {
      if (it->second.next) coalesced_.inc();
      it->second.next = fix;
      return;
    }
    if (in_flight_.size() >= max_in_flight_) {
      dropped_.inc();
      return;
    }
    in_flight_.emplace(driver_id, Driver{});
  }
  asio::co_spawn(executor_, send_until_idle(driver_id, fix), asio::detached);
}

awaitable<void> LocationForwarder::send_until_idle(std::string driver_id, Fix fix) {
  while (true) {
    co_await send(driver_id, fix);
    std::lock_guard lock(mutex_);
    auto it = in_flight_.find(driver_id);
    if (it == in_flight_.end() || !it->second.next) {
      if (it != in_flight_.end()) in_flight_.erase(it);
      co_return;
    }
    fix = *it->second.next;
    it->second.next.reset();
  }
}

awaitable<void> LocationForwarder::send(const std::string& driver_id, const Fix& fix) {
  std::string error;
  try {
    co_await drivers_.update_location(driver_id, fix.lat, fix.lng, fix.recorded_ms);
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (error.empty()) co_return;
  failures_.inc();
  // One line per 100 failures: at 1,000 locations/s an outage must not flood the log.
  if (failures_.value() % 100 == 1) {
    log::warn("live tracking: location forwards failing",
              {{"driverId", driver_id}, {"error", error}, {"failuresSoFar", failures_.value()}});
  }
}

}  // namespace uitgo::trip
