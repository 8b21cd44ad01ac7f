#include "trip/live/location_store.hpp"

#include <vector>

#include "core/base/log.hpp"
#include "core/pg/array_literal.hpp"

namespace uitgo::trip {
namespace {

// Trips deleted meanwhile are skipped; an older fix never overwrites a newer one.
constexpr const char* kUpsert =
    "INSERT INTO trip_locations AS cur (trip_id, driver_id, lat, lng, recorded_at)"
    " SELECT b.trip_id, b.driver_id, b.lat, b.lng, timestamptz 'epoch' + b.recorded_ms * interval '1 millisecond'"
    " FROM unnest($1::uuid[], $2::uuid[], $3::float8[], $4::float8[], $5::bigint[])"
    "   AS b(trip_id, driver_id, lat, lng, recorded_ms)"
    " WHERE EXISTS (SELECT 1 FROM trips t WHERE t.id = b.trip_id)"
    " ON CONFLICT (trip_id) DO UPDATE SET driver_id = excluded.driver_id, lat = excluded.lat, lng = excluded.lng,"
    "   recorded_at = excluded.recorded_at"
    " WHERE excluded.recorded_at >= cur.recorded_at";

constexpr const char* kLast =
    "SELECT lat, lng, (extract(epoch FROM recorded_at) * 1000)::bigint AS recorded_ms"
    " FROM trip_locations WHERE trip_id = $1";

using pg::append_number;
using pg::array_literal;

}  // namespace

awaitable<std::optional<LastLocation>> last_location(pg::Pool& db, const std::string& trip_id) {
  pg::Params params{trip_id};
  const auto result = co_await db.query(kLast, std::move(params));
  if (result.empty()) co_return std::nullopt;
  co_return LastLocation{.lat = result.get<double>(0, "lat"),
                         .lng = result.get<double>(0, "lng"),
                         .recorded_ms = result.get<std::int64_t>(0, "recorded_ms")};
}

LocationStore::LocationStore(service::Runtime& runtime, pg::Pool& db, Millis flush_interval, std::size_t max_pending)
    : db_(db),
      max_pending_(max_pending),
      flushed_(runtime.metrics().counter("trip_location_flushed_total", "trip locations written to trip_locations")),
      dropped_(runtime.metrics().counter("trip_location_dropped_total",
                                         "trip locations not stored (too many pending trips, or a failed flush)")),
      failures_(runtime.metrics().counter("trip_location_flush_failures_total", "failed trip_locations flushes")) {
  runtime.add_task({.name = "trip-location-flush", .period = flush_interval, .final_pass = true},
                   [this] { return flush(); });
}

void LocationStore::add(TripFix fix) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(fix.trip_id);
  if (it != pending_.end()) {
    if (fix.recorded_ms >= it->second.recorded_ms) it->second = std::move(fix);
    return;
  }
  if (pending_.size() >= max_pending_) {
    dropped_.inc();
    return;
  }
  auto key = fix.trip_id;
  pending_.emplace(std::move(key), std::move(fix));
}

awaitable<void> LocationStore::flush() {
  std::vector<TripFix> batch;
  {
    std::lock_guard lock(mutex_);
    batch.reserve(pending_.size());
    for (auto& [id, fix] : pending_) batch.push_back(std::move(fix));
    pending_.clear();
  }
  if (batch.empty()) co_return;
  pg::Params params;
  params.add(array_literal(batch, [](std::string& o, const TripFix& f) { o += f.trip_id; }));
  params.add(array_literal(batch, [](std::string& o, const TripFix& f) { o += f.driver_id; }));
  params.add(array_literal(batch, [](std::string& o, const TripFix& f) { append_number(o, f.lat); }));
  params.add(array_literal(batch, [](std::string& o, const TripFix& f) { append_number(o, f.lng); }));
  params.add(array_literal(batch, [](std::string& o, const TripFix& f) { append_number(o, f.recorded_ms); }));
  std::string error;
  try {
    co_await db_.query(kUpsert, std::move(params));
    flushed_.inc(batch.size());
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (!error.empty()) {
    failures_.inc();
    dropped_.inc(batch.size());
    log::warn("trip locations flush failed", {{"trips", static_cast<std::int64_t>(batch.size())}, {"error", error}});
  }
}

}  // namespace uitgo::trip
