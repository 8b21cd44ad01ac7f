// The Redis index of online drivers: live positions, heartbeats, the free
// (searchable) set and per-driver reservations. Postgres stays the source of
// truth (profiles, availability, drivers.current_trip_id, last locations); this
// index is rebuilt from it on start (warm()) and heals itself on a miss.
//
// Keys (every multi-key change is one Lua script, so no reader ever sees a
// half-applied update):
//   drivers:available   SET   drivers whose availability is online (mirrors
//                             Postgres); a location ping is accepted only for
//                             these. Not swept: staleness does not change it.
//   drivers:online      GEO   every online driver with a fresh position, busy
//                             or not (its last position, used to put a released
//                             driver back).
//   drivers:free        GEO   online, fresh and not reserved: what search reads.
//   drivers:heartbeat   ZSET  score = Unix ms of the last accepted ping.
//   drivers:pos         HASH  id -> "lat,lng,receivedMs" exactly as received
//                             (GEO keeps positions only to ~0.3 m; search
//                             re-ranks on these so both modes agree).
//   driver:<id>:trip    STRING the trip the driver is reserved for (no TTL:
//                             released by release() or rebuilt from Postgres).
//   drivers:unlocated   ZSET  online drivers that have sent no position since
//                             going online (Postgres: no driver_last_locations
//                             row received at or after status_updated_at),
//                             busy or not; score = Unix ms since it waits
//                             (drivers.free_since). Its first position takes it
//                             out for good (until it goes offline and online).
//   drivers:unlocated:free ZSET the same, not reserved: the matcher's
//                             candidates after every located one in reach
//                             (MATCH_UNLOCATED_DRIVERS), longest waiting first.
// A driver whose heartbeat is older than DRIVER_STALE_SECONDS is filtered out
// of search at once and removed from online/free/heartbeat/pos by
// sweep_stale(); its next ping puts it back.
//
// Single Redis (or one primary): the scripts touch several keys without hash
// tags, so Redis Cluster would need them to share one slot.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/async.hpp"
#include "core/redis/client.hpp"
#include "driver/matcher/candidate_order.hpp"
#include "driver/profiles/profile.hpp"
#include "driver/search/ranking.hpp"
#include "driver/search/redis_geo.hpp"

namespace uitgo::driver {

struct IndexKeys {
  static constexpr const char* available = "drivers:available";
  static constexpr const char* online = "drivers:online";
  static constexpr const char* free = "drivers:free";
  static constexpr const char* heartbeat = "drivers:heartbeat";
  static constexpr const char* positions = "drivers:pos";
  static constexpr const char* unlocated = "drivers:unlocated";
  static constexpr const char* unlocated_free = "drivers:unlocated:free";
  static constexpr const char* warmed = "drivers:index:warmed";  // set for a minute after a warm-up
  static std::string trip(const std::string& driver_id) { return "driver:" + driver_id + ":trip"; }
};

enum class Reservation { reserved, already_held, not_free };

// What a location ping did: refused (the driver is not in
// drivers:available), moved, or moved and became free (searchable) with it:
// its first position since going online, or back after going stale; or moved
// while free to within the wake radius of a trip parked as waiting for a
// driver (WaitingTrips). The last two may wake a waiting trip.
enum class LocationUpdate { refused, moved, became_free, near_waiting_trip };

// What go_online() is told about a driver (from Postgres).
struct Online {
  std::optional<Fix> fix;                          // a fresh last position, if any
  std::optional<std::string> trip_id;              // its reservation, if any
  std::optional<std::int64_t> unlocated_since_ms;  // set: no position since going online; waiting since
};

class DriverIndex {
 public:
  // `reserve_unlocated`: reserve() also takes free drivers without a position
  // since going online (MATCH_UNLOCATED_DRIVERS). `wake_radius_meters`: how
  // near a parked trip a free driver's ping makes it near_waiting_trip
  // (MATCH_RADIUS_METERS, the radius in which WaitingTrips lets it claim one).
  DriverIndex(redis::Client& redis, std::chrono::seconds stale_after, bool reserve_unlocated,
              double wake_radius_meters);

  // Moves the driver and refreshes its heartbeat; refused (nothing changed)
  // when the driver is not in drivers:available.
  awaitable<LocationUpdate> update_location(const std::string& id, double lat, double lng, std::int64_t now_ms);

  // Marks the driver available; restores its reservation (from Postgres) and,
  // when given a fresh last fix, its position; records it as unlocated when
  // told so and Redis has no fresh heartbeat for it.
  awaitable<void> go_online(const std::string& id, const Online& state, std::int64_t now_ms);
  // Removes the driver from every set at once (its reservation key stays).
  awaitable<void> go_offline(const std::string& id);

  // Free, fresh drivers around `center` by an expanding radius (radius_steps),
  // stopping once `limit` are certainly among the candidates. Candidates are
  // NOT yet ranked by exact distance: use rank_candidates().
  awaitable<std::vector<Candidate>> search(geo::LatLng center, double radius_meters, int limit, std::int64_t now_ms);

  // Atomically: only if the driver is free (in drivers:free, fresh; or, when
  // reserve_unlocated, in drivers:unlocated:free) and has no reservation,
  // removes it from that free set and records `trip_id`.
  // The same trip again is already_held (idempotent retries).
  awaitable<Reservation> reserve(const std::string& id, const std::string& trip_id, std::int64_t now_ms);
  // Atomically: only if the reservation holds `trip_id`, deletes it and, when
  // the driver is still available and fresh, puts it back into the free set
  // at its last position (or, unlocated, among the free unlocated, waiting
  // since now). Returns whether the reservation was held.
  awaitable<bool> release(const std::string& id, const std::string& trip_id, std::int64_t now_ms);

  // False when no driver can be reserved at all: drivers:free is empty (and,
  // when reserve_unlocated, drivers:unlocated:free too). One EXISTS, so a
  // batch of trips spends one round trip rather than a search per trip while
  // every driver is busy. True may still find nobody (stale or out of reach).
  awaitable<bool> any_free();

  // Up to `limit` free unlocated drivers, longest waiting first.
  awaitable<std::vector<WaitingDriver>> unlocated_free(int limit);

  // Drops drivers whose heartbeat is older than the stale limit from
  // online/free/heartbeat/pos. Returns how many.
  awaitable<std::int64_t> sweep_stale(std::int64_t now_ms);

  // Rebuilds from Postgres: every entry is applied (positions only when newer
  // than what Redis has), and drivers Redis lists that Postgres does not know
  // as online are taken out. Returns the number of positions restored.
  awaitable<std::size_t> warm(const std::vector<WarmEntry>& entries, std::int64_t now_ms);

  // The exact last position and heartbeat, if the driver is indexed.
  awaitable<std::optional<Fix>> position(const std::string& id);

  std::int64_t stale_ms() const { return stale_ms_; }

 private:
  redis::Client& redis_;
  std::int64_t stale_ms_;
  bool reserve_unlocated_;
  double wake_radius_meters_;
  redis::Script update_location_;
  redis::Script go_online_;
  redis::Script go_offline_;
  redis::Script search_;
  redis::Script reserve_;
  redis::Script release_;
  redis::Script sweep_;
};

}  // namespace uitgo::driver
