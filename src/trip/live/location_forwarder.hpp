// Forwards drivers' WebSocket locations to driver-service
// (PUT /internal/drivers/{id}/location), so the GEO index and the location
// history follow the driver during a trip.
//
// At most one call per driver is in flight; locations arriving meanwhile
// are coalesced (only the newest is sent next). That keeps each driver's
// updates in order (driver-service keeps the last one it receives) and
// bounds the calls a slow driver-service can pile up: beyond
// WS_DRIVER_FORWARD_MAX drivers with a call in flight, new locations are
// dropped. Failures are counted and logged sparingly; they never reach the
// socket that sent the location.
//
// Metrics: trip_live_forward_failures_total, trip_live_forward_dropped_total,
// trip_live_forward_coalesced_total.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/base/async.hpp"
#include "core/base/metrics.hpp"
#include "peers/driver_client.hpp"

namespace uitgo::trip {

class LocationForwarder {
 public:
  LocationForwarder(asio::any_io_executor executor, peers::DriverClient& drivers, metrics::Registry& metrics,
                    std::size_t max_in_flight);

  // Thread-safe, never waits.
  void forward(const std::string& driver_id, double lat, double lng, std::int64_t recorded_ms);

 private:
  struct Fix {
    double lat = 0;
    double lng = 0;
    std::int64_t recorded_ms = 0;
  };
  struct Driver {
    std::optional<Fix> next;  // arrived while a call was in flight
  };

  awaitable<void> send_until_idle(std::string driver_id, Fix fix);
  awaitable<void> send(const std::string& driver_id, const Fix& fix);

  asio::any_io_executor executor_;
  peers::DriverClient& drivers_;
  std::size_t max_in_flight_;
  std::mutex mutex_;
  std::unordered_map<std::string, Driver> in_flight_;  // drivers with a call in flight

  metrics::Counter& failures_;
  metrics::Counter& dropped_;
  metrics::Counter& coalesced_;
};

}  // namespace uitgo::trip
