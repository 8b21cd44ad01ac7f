#include "driver/profiles/profile_store.hpp"

#include "core/base/errors.hpp"

namespace uitgo::driver {
namespace {

#define UITGO_UTC_TEXT(column) "to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

const std::string kSelectProfile =
    "SELECT d.id::text AS id, d.full_name, d.phone, d.license_number, d.avatar_url, d.rating::float8 AS rating,"
    " d.vehicle_type, d.availability, " UITGO_UTC_TEXT("d.status_updated_at") " AS status_updated_at,"
    " d.current_trip_id::text AS current_trip_id, " UITGO_UTC_TEXT("d.created_at") " AS created_at, "
    UITGO_UTC_TEXT("d.updated_at") " AS updated_at,"
    " v.driver_id IS NOT NULL AS has_vehicle, v.make, v.model, v.color, v.year, v.plate_number,"
    " l.lat, l.lng, (extract(epoch FROM l.recorded_at) * 1000)::bigint AS recorded_ms"
    " FROM drivers d LEFT JOIN vehicles v ON v.driver_id = d.id"
    " LEFT JOIN driver_last_locations l ON l.driver_id = d.id"
    " WHERE d.id = $1";

#undef UITGO_UTC_TEXT

constexpr const char* kInsertDriver =
    "INSERT INTO drivers (id, full_name, phone, license_number, avatar_url, vehicle_type)"
    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING id";
constexpr const char* kInsertVehicle =
    "INSERT INTO vehicles (driver_id, make, model, color, year, plate_number) VALUES ($1, $2, $3, $4, $5, $6)";
constexpr const char* kUpdateDriver =
    "UPDATE drivers SET updated_at = now(), full_name = coalesce($2, full_name), phone = coalesce($3, phone),"
    " license_number = coalesce($4, license_number), avatar_url = coalesce($5, avatar_url),"
    " vehicle_type = coalesce($6, vehicle_type) WHERE id = $1 RETURNING id";
// A driver registered without a vehicle gets one with its first vehicle field.
constexpr const char* kUpdateVehicle =
    "INSERT INTO vehicles AS v (driver_id, make, model, color, year, plate_number)"
    " VALUES ($1, $2, $3, $4, $5::integer, $6) ON CONFLICT (driver_id) DO UPDATE SET"
    " make = coalesce($2, v.make), model = coalesce($3, v.model), color = coalesce($4, v.color),"
    " year = coalesce($5::integer, v.year), plate_number = coalesce($6, v.plate_number)";
constexpr const char* kSetAvailability =
    "UPDATE drivers SET status_updated_at = CASE WHEN availability = $2 THEN status_updated_at ELSE now() END,"
    " free_since = CASE WHEN availability = $2 THEN free_since ELSE now() END,"
    " availability = $2, updated_at = now() WHERE id = $1 RETURNING id";
constexpr const char* kState =
    "SELECT availability, current_trip_id::text AS current_trip_id FROM drivers WHERE id = $1";
constexpr const char* kSetTrip = "UPDATE drivers SET current_trip_id = $2, trip_checked_at = now() WHERE id = $1";
// One statement for a batch of reservations (distinct drivers).
constexpr const char* kSetTrips =
    "UPDATE drivers d SET current_trip_id = v.trip_id, trip_checked_at = now()"
    " FROM unnest($1::uuid[], $2::uuid[]) AS v(id, trip_id) WHERE d.id = v.id RETURNING d.id::text AS id";
constexpr const char* kClearTrip =
    "UPDATE drivers SET current_trip_id = NULL, free_since = now() WHERE id = $1 AND current_trip_id = $2";
constexpr const char* kClaimUnchecked =
    "UPDATE drivers d SET trip_checked_at = now() FROM (SELECT id FROM drivers WHERE current_trip_id IS NOT NULL"
    " AND trip_checked_at < now() - make_interval(secs => $1::bigint) ORDER BY trip_checked_at LIMIT $2::int"
    " FOR UPDATE SKIP LOCKED) due WHERE d.id = due.id RETURNING d.id::text AS id, d.current_trip_id::text AS trip_id";
// The last location only when fresh (received at or after $1 ms); an online
// driver without any location received since it went online
// (status_updated_at) is unlocated, waiting since free_since.
constexpr const char* kWarmEntries =
    "SELECT d.id::text AS id, d.availability = 'online' AS online, d.current_trip_id::text AS current_trip_id,"
    " CASE WHEN fresh THEN l.lat END AS lat, CASE WHEN fresh THEN l.lng END AS lng,"
    " (extract(epoch FROM l.recorded_at) * 1000)::bigint AS recorded_ms,"
    " CASE WHEN d.availability = 'online' AND (l.recorded_at IS NULL OR l.recorded_at < d.status_updated_at)"
    "  THEN (extract(epoch FROM d.free_since) * 1000)::bigint END AS unlocated_since_ms"
    " FROM drivers d LEFT JOIN driver_last_locations l ON l.driver_id = d.id,"
    " LATERAL (SELECT l.recorded_at >= timestamptz 'epoch' + $1::bigint * interval '1 millisecond' AS fresh) f"
    " WHERE d.availability = 'online' OR d.current_trip_id IS NOT NULL";

const std::string kSummaries = std::string("SELECT ") + kSummaryColumns +
                               " FROM drivers d LEFT JOIN vehicles v ON v.driver_id = d.id"
                               " WHERE d.id = ANY($1::uuid[])";

std::optional<Vehicle> read_vehicle(const pg::Result& r, int row) {
  if (!r.get<bool>(row, "has_vehicle")) return std::nullopt;
  return Vehicle{.make = r.get<std::optional<std::string>>(row, "make"),
                 .model = r.get<std::optional<std::string>>(row, "model"),
                 .color = r.get<std::optional<std::string>>(row, "color"),
                 .year = r.get<std::optional<int>>(row, "year"),
                 .plate_number = r.get<std::optional<std::string>>(row, "plate_number")};
}

std::optional<Fix> read_fix(const pg::Result& r, int row) {
  const auto lat = r.get<std::optional<double>>(row, "lat");
  if (!lat) return std::nullopt;
  return Fix{.lat = *lat, .lng = r.get<double>(row, "lng"), .recorded_at_ms = r.get<std::int64_t>(row, "recorded_ms")};
}

Profile read_profile(const pg::Result& r, int row) {
  return {.id = r.get<std::string>(row, "id"),
          .full_name = r.get<std::string>(row, "full_name"),
          .phone = r.get<std::string>(row, "phone"),
          .license_number = r.get<std::string>(row, "license_number"),
          .avatar_url = r.get<std::optional<std::string>>(row, "avatar_url"),
          .rating = r.get<double>(row, "rating"),
          .vehicle = read_vehicle(r, row),
          .vehicle_type = r.get<std::optional<std::string>>(row, "vehicle_type"),
          .online = r.get<std::string_view>(row, "availability") == "online",
          .status_updated_at = r.get<std::string>(row, "status_updated_at"),
          .current_trip_id = r.get<std::optional<std::string>>(row, "current_trip_id"),
          .location = read_fix(r, row),
          .created_at = r.get<std::string>(row, "created_at"),
          .updated_at = r.get<std::string>(row, "updated_at")};
}

// The plate number is the only unique column a caller can collide on.
[[noreturn]] void rethrow_conflict(const pg::QueryError& e) {
  if (e.is_unique_violation() && e.constraint() == "vehicles_plate_number_key") {
    // The driver app looks for "vehicle" in this message to say "plate number taken".
    throw DomainError::conflict("a vehicle with this plate number is already registered to another driver");
  }
  throw e;
}

}  // namespace

Summary read_summary(const pg::Result& r, int row) {
  return {.id = r.get<std::string>(row, "id"),
          .full_name = r.get<std::string>(row, "full_name"),
          .rating = r.get<double>(row, "rating"),
          .vehicle = read_vehicle(r, row)};
}

std::string uuid_array(const std::vector<std::string>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += ids[i];
  }
  out += '}';
  return out;
}

awaitable<ProfileStore::Created> ProfileStore::create(const std::string& id, const ProfileInput& in) {
  auto body = [&](pg::Tx& tx) -> awaitable<bool> {
    const auto inserted = co_await tx.query(
        kInsertDriver, {id, in.full_name, in.phone, in.license_number, in.avatar_url, in.vehicle_type});
    if (inserted.empty()) co_return false;  // the same id again: idempotent
    if (in.vehicle) {
      const auto& v = *in.vehicle;
      co_await tx.query(kInsertVehicle, {id, v.make, v.model, v.color, v.year, v.plate_number});
    }
    co_return true;
  };
  bool created = false;
  try {
    created = co_await db_.transaction(body);
  } catch (const pg::QueryError& e) {
    rethrow_conflict(e);
  }
  auto profile = co_await find(id);
  // Only possible if the profile was deleted in between: report it as a conflict.
  if (!profile) throw DomainError::conflict("the driver profile changed concurrently, retry");
  co_return Created{std::move(*profile), created};
}

awaitable<bool> ProfileStore::remove(const std::string& id) {
  const auto r = co_await db_.query("DELETE FROM drivers WHERE id = $1", {id});
  co_return r.affected_rows() > 0;
}

awaitable<std::optional<Profile>> ProfileStore::find(const std::string& id) {
  const auto r = co_await db_.query(kSelectProfile, {id});
  if (r.empty()) co_return std::nullopt;
  co_return read_profile(r, 0);
}

awaitable<std::optional<Profile>> ProfileStore::update(const std::string& id, const ProfilePatch& p) {
  auto body = [&](pg::Tx& tx) -> awaitable<bool> {
    const auto updated =
        co_await tx.query(kUpdateDriver, {id, p.full_name, p.phone, p.license_number, p.avatar_url, p.vehicle_type});
    if (updated.empty()) co_return false;
    const auto& v = p.vehicle;
    if (v.make || v.model || v.color || v.year || v.plate_number) {
      co_await tx.query(kUpdateVehicle, {id, v.make, v.model, v.color, v.year, v.plate_number});
    }
    co_return true;
  };
  bool found = false;
  try {
    found = co_await db_.transaction(body);
  } catch (const pg::QueryError& e) {
    rethrow_conflict(e);
  }
  if (!found) co_return std::nullopt;
  co_return co_await find(id);
}

awaitable<std::optional<Profile>> ProfileStore::set_online(const std::string& id, bool online) {
  const auto r = co_await db_.query(kSetAvailability, {id, online ? "online" : "offline"});
  if (r.empty()) co_return std::nullopt;
  co_return co_await find(id);
}

awaitable<std::optional<DriverState>> ProfileStore::state(const std::string& id) {
  const auto r = co_await db_.query(kState, {id});
  if (r.empty()) co_return std::nullopt;
  co_return DriverState{.online = r.get<std::string_view>(0, "availability") == "online",
                        .current_trip_id = r.get<std::optional<std::string>>(0, "current_trip_id")};
}

awaitable<std::vector<Summary>> ProfileStore::summaries(const std::vector<std::string>& ids) {
  std::vector<Summary> out;
  if (ids.empty()) co_return out;
  const auto r = co_await db_.query(kSummaries, {uuid_array(ids)});
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_summary(r, i));
  co_return out;
}

awaitable<bool> ProfileStore::set_trip(const std::string& id, const std::string& trip_id) {
  const auto r = co_await db_.query(kSetTrip, {id, trip_id});
  co_return r.affected_rows() > 0;
}

awaitable<std::set<std::string>> ProfileStore::set_trips(const std::vector<std::string>& driver_ids,
                                                         const std::vector<std::string>& trip_ids) {
  std::set<std::string> recorded;
  if (driver_ids.empty()) co_return recorded;
  const auto r = co_await db_.query(kSetTrips, {uuid_array(driver_ids), uuid_array(trip_ids)});
  for (int i = 0; i < r.rows(); ++i) recorded.insert(r.get<std::string>(i, "id"));
  co_return recorded;
}

awaitable<bool> ProfileStore::clear_trip(const std::string& id, const std::string& trip_id) {
  const auto r = co_await db_.query(kClearTrip, {id, trip_id});
  co_return r.affected_rows() > 0;
}

awaitable<std::vector<HeldReservation>> ProfileStore::claim_unchecked_reservations(std::chrono::seconds older_than,
                                                                                   int limit) {
  const auto r = co_await db_.query(kClaimUnchecked, {static_cast<std::int64_t>(older_than.count()), limit});
  std::vector<HeldReservation> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({.driver_id = r.get<std::string>(i, "id"), .trip_id = r.get<std::string>(i, "trip_id")});
  }
  co_return out;
}

awaitable<std::vector<WarmEntry>> ProfileStore::warm_entries(std::int64_t fresh_since_ms) {
  const auto r = co_await db_.query(kWarmEntries, {fresh_since_ms});
  std::vector<WarmEntry> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({.id = r.get<std::string>(i, "id"),
                   .online = r.get<bool>(i, "online"),
                   .current_trip_id = r.get<std::optional<std::string>>(i, "current_trip_id"),
                   .fix = read_fix(r, i),
                   .unlocated_since_ms = r.get<std::optional<std::int64_t>>(i, "unlocated_since_ms")});
  }
  co_return out;
}

}  // namespace uitgo::driver
