// Simulated drivers, so that matching has real work: each goes online
// (PATCH /v1/drivers/{id}/status {"status":"online"}), streams
// PUT /v1/drivers/me/location from a random walk over the area, and, when
// acceptTrips is set, polls GET /v1/trips?status=requested for the trip it is
// offered, accepts it and drives it through arriving, in_ride and completed,
// which frees it for the next trip. Two connections per driver (locations,
// trips) so a ride never delays the pings. At the end they go offline.
#pragma once

#include <memory>
#include <random>
#include <vector>

#include "loadgen/connection.hpp"
#include "loadgen/run_context.hpp"
#include "loadgen/scenario.hpp"
#include "loadgen/stats.hpp"
#include "loadgen/wait_group.hpp"

namespace uitgo::loadgen {

class DriverFleet {
 public:
  DriverFleet(RunContext& context, const DriversSpec& spec, DriverStats& stats);

  // Every driver online with a first location; returns when all have answered.
  awaitable<void> go_online();
  // Starts the location and trip loops; they end soon after context.load_done.
  void start();
  // Waits for the loops, then sets every driver offline.
  awaitable<void> finish();

 private:
  struct Driver {
    Account account;
    double lat = 0;
    double lng = 0;
    std::unique_ptr<Connection> pings;
    std::unique_ptr<Connection> trips;
  };

  awaitable<int> set_status(Driver& d, bool online);
  awaitable<void> online(Driver& d);
  awaitable<void> ping(Driver& d);
  awaitable<void> location_loop(Driver& d);
  awaitable<void> trip_loop(Driver& d);
  awaitable<void> ride(Driver& d, const std::string& trip_id);
  awaitable<void> drive(Driver& d, const std::string& trip_id, const std::string& from);
  awaitable<void> resume(Driver& d);
  awaitable<void> offline(Driver& d);
  void spawn(awaitable<void> work);

  RunContext& context_;
  const DriversSpec& spec_;
  DriverStats& stats_;
  std::vector<std::unique_ptr<Driver>> drivers_;
  WaitGroup running_;
  std::mt19937_64 rng_;
};

}  // namespace uitgo::loadgen
