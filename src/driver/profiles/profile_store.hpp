// Driver profiles in driver_db (drivers + vehicles): the source of truth for
// who is a driver, availability and the trip a driver is reserved for.
#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/base/async.hpp"
#include "core/pg/pool.hpp"
#include "driver/profiles/inputs.hpp"
#include "driver/profiles/profile.hpp"

namespace uitgo::driver {

// What the location and reservation paths need to know, cheaply.
struct DriverState {
  bool online = false;
  std::optional<std::string> current_trip_id;
};

struct HeldReservation {
  std::string driver_id;
  std::string trip_id;
};

class ProfileStore {
 public:
  explicit ProfileStore(pg::Pool& db) : db_(db) {}

  struct Created {
    Profile profile;
    bool created = false;  // false: a profile with this id already existed (returned as is)
  };
  // Inserts the profile and its vehicle in one transaction. Throws DomainError
  // 409 when the plate number belongs to another driver.
  awaitable<Created> create(const std::string& id, const ProfileInput& input);

  // Deletes the profile (vehicle and last location with it); false when absent.
  awaitable<bool> remove(const std::string& id);

  // With its last stored location (may lag the Redis index by a flush interval).
  awaitable<std::optional<Profile>> find(const std::string& id);
  // nullopt: no such profile. Throws 409 for a plate number owned by another driver.
  awaitable<std::optional<Profile>> update(const std::string& id, const ProfilePatch& patch);
  // Sets the availability; nullopt when there is no such profile.
  awaitable<std::optional<Profile>> set_online(const std::string& id, bool online);
  awaitable<std::optional<DriverState>> state(const std::string& id);

  // Summaries of every id in ONE query (ids without a profile are absent).
  awaitable<std::vector<Summary>> summaries(const std::vector<std::string>& ids);

  // Marks the reservation in Postgres; returns false when nothing matched.
  awaitable<bool> set_trip(const std::string& id, const std::string& trip_id);
  // The same for several drivers (distinct) in ONE statement, driver_ids[i]
  // for trip_ids[i]; returns the drivers that have a profile (were marked).
  awaitable<std::set<std::string>> set_trips(const std::vector<std::string>& driver_ids,
                                             const std::vector<std::string>& trip_ids);
  // Clears it only if it is `trip_id`; returns whether it was.
  awaitable<bool> clear_trip(const std::string& id, const std::string& trip_id);

  // Up to `limit` reservations not confirmed for `older_than`, marked as
  // checked now (so other processes skip them for as long); SKIP LOCKED lets
  // several processes share the work.
  awaitable<std::vector<HeldReservation>> claim_unchecked_reservations(std::chrono::seconds older_than, int limit);

  // Every online or reserved driver, with its last location when it was
  // received at or after `fresh_since_ms`, and whether it has sent no
  // position since going online (then waiting since drivers.free_since).
  awaitable<std::vector<WarmEntry>> warm_entries(std::int64_t fresh_since_ms);

 private:
  pg::Pool& db_;
};

// Columns that read as a Summary (shared with the SQL search).
// Read with `LEFT JOIN vehicles v`: a driver may have no vehicle.
inline constexpr const char* kSummaryColumns =
    "d.id::text AS id, d.full_name, d.rating::float8 AS rating, v.driver_id IS NOT NULL AS has_vehicle, v.make,"
    " v.model, v.color, v.year, v.plate_number";
Summary read_summary(const pg::Result& r, int row);
// A Postgres text array literal ({a,b,c}) of canonical UUIDs.
std::string uuid_array(const std::vector<std::string>& ids);

}  // namespace uitgo::driver
