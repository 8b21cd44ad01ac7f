// Trips waiting for a driver, so a driver who becomes free can wake the one
// nearest to it instead of leaving it to its next retry (up to
// MATCH_RETRY_MAX_MS later).
//
// The matcher parks a trip when it found no driver and delayed its event
// (MatchQueue::retry_later), with the event's wake token, and unparks it when
// the event is settled otherwise. A driver becoming free (going online, the
// position that puts it into drivers:free, a reservation released) claims
// one parked trip in reach: taken out of the set in the same script, so two
// free drivers never claim one trip; the caller then wakes its event
// (MatchQueue::wake) and a matcher decides as on any delivery. The poll stays the safety net: a driver freed between a
// trip's search and its parking does not wake it; its retry finds the driver.
//
// Keys (Redis, shared by every driver-service process):
//   trips:waiting:near      GEO   parked trips with a pickup, at the pickup
//   trips:waiting:anywhere  ZSET  parked trips without one (any free driver
//                                 may take them), score = created at (ms)
//   trips:waiting:since     ZSET  every parked trip, score = created at (ms)
//   trips:waiting:token     HASH  trip id -> "<attempt> <wake token>" of the
//                                 event parked (TripEvent::attempt)
//   trips:waiting:excluded  HASH  trip id -> " <driver> <driver> ": the drivers
//                                 it was offered to (never offered again), for
//                                 trips that have any
// A trip older than the matching deadline (plus a minute) has been cancelled
// by then: update() drops such entries, so nothing outlives its trip for long
// even if a matcher died between parking and settling.
//
// A located free driver claims the nearest parked trip within
// MATCH_RADIUS_METERS, else the oldest parked trip without a pickup. An
// unlocated free driver claims only the latter: with MATCH_UNLOCATED_DRIVERS
// it is a candidate for any trip, but where it is is unknown, and it usually
// sends its first position a moment later (which makes it free where it is,
// and wakes the trip nearest to that). Either skips the trips already offered
// to it. Trips are claimed one per freed driver: one driver can take one trip.
// A driver already free claims too when a ping brings it within reach of a
// parked trip (DriverIndex::update_location says so).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/base/async.hpp"
#include "core/base/geo.hpp"
#include "core/redis/client.hpp"

namespace uitgo::driver {

struct WaitingKeys {
  static constexpr const char* near = "trips:waiting:near";
  static constexpr const char* anywhere = "trips:waiting:anywhere";
  static constexpr const char* since = "trips:waiting:since";
  static constexpr const char* tokens = "trips:waiting:token";
  static constexpr const char* excluded = "trips:waiting:excluded";
};

struct ParkedTrip {
  std::string trip_id;
  int attempt = 1;                    // of the event parked
  std::string token;                  // MatchQueue::wake_token of its delayed event
  std::optional<geo::LatLng> pickup;  // none (or outside what GEO indexes): any driver may take it
  std::int64_t created_ms = 0;
  std::set<std::string> excluded;  // drivers it was offered to: they do not wake it
};

struct ClaimedTrip {
  std::string trip_id;
  std::string token;
};

struct WaitingSettings {
  double radius_meters = 3000;  // MATCH_RADIUS_METERS
  Millis keep_for{180000};      // MATCH_DEADLINE_SECONDS plus a minute
};

class WaitingTrips {
 public:
  WaitingTrips(redis::Client& redis, WaitingSettings settings);

  // A trip's event settled otherwise: the trip leaves the set unless it was
  // parked by a later attempt (a re-offer's event already waiting, when the
  // earlier attempt's last delivery comes).
  struct Unpark {
    std::string trip_id;
    int attempt = 1;
  };
  // Parks `park` and unparks `unpark` in one script call (and drops entries
  // of trips older than keep_for).
  awaitable<void> update(const std::vector<ParkedTrip>& park, const std::vector<Unpark>& unpark, std::int64_t now_ms);
  // The parked trip `driver_id` (free now) should wake, taken out of the set;
  // nullopt when nothing parked is in its reach, or it is not free.
  awaitable<std::optional<ClaimedTrip>> claim_for(const std::string& driver_id);

 private:
  redis::Client& redis_;
  WaitingSettings settings_;
};

}  // namespace uitgo::driver
