#include "driver/search/search.hpp"

#include <algorithm>
#include <atomic>
#include <unordered_map>

#include "core/base/log.hpp"
#include "driver/search/ranking.hpp"
#include "driver/search/redis_geo.hpp"

namespace uitgo::driver {

awaitable<std::vector<std::string>> DriverSearch::nearest_ids(const SearchQuery& query, std::int64_t now_ms) {
  const auto found = co_await nearest(query, now_ms);
  std::vector<std::string> ids;
  ids.reserve(found.size());
  for (const auto& n : found) ids.push_back(n.driver->id);
  co_return ids;
}

namespace {

class GeoSearch final : public DriverSearch {
 public:
  GeoSearch(DriverIndex& index, SummaryCache& summaries) : index_(index), summaries_(summaries) {}

  awaitable<std::vector<Nearby>> nearest(const SearchQuery& q, std::int64_t now_ms) override {
    const auto ranked = co_await ranked_candidates(q, now_ms);
    std::vector<std::string> ids;
    ids.reserve(ranked.size());
    for (const auto& r : ranked) ids.push_back(r.id);
    auto summaries = co_await summaries_.summaries(ids);  // cached, else one query for all results
    std::vector<Nearby> out;
    out.reserve(ranked.size());
    for (const auto& r : ranked) {
      // A linear look-up: a page holds at most a few dozen drivers.
      const auto it = std::find_if(summaries.begin(), summaries.end(), [&](const auto& s) { return s->id == r.id; });
      if (it == summaries.end()) continue;  // indexed but no profile (deleted): skip
      out.push_back({.driver = *it, .fix = r.fix, .distance_meters = r.distance_meters});
    }
    co_return out;
  }

  awaitable<std::vector<std::string>> nearest_ids(const SearchQuery& q, std::int64_t now_ms) override {
    const auto ranked = co_await ranked_candidates(q, now_ms);
    std::vector<std::string> ids;
    ids.reserve(ranked.size());
    for (const auto& r : ranked) ids.push_back(r.id);
    co_return ids;
  }

 private:
  awaitable<std::vector<Ranked>> ranked_candidates(const SearchQuery& q, std::int64_t now_ms) {
    const geo::LatLng center{q.lat, q.lng};
    auto candidates = co_await index_.search(center, q.radius_meters, q.limit, now_ms);
    co_return rank_candidates(std::move(candidates), center, q.radius_meters, q.limit);
  }

  DriverIndex& index_;
  SummaryCache& summaries_;
};

// The haversine of the SQL baseline, with the same Earth radius as Redis and
// rank_candidates(); $5 = centre lat, $6 = centre lng.
#define UITGO_HAVERSINE                                                            \
  "2 * 6372797.560856 * asin(least(1, sqrt(power(sin(radians(l.lat - $5) / 2), 2)" \
  " + cos(radians($5)) * cos(radians(l.lat)) * power(sin(radians(l.lng - $6) / 2), 2))))"

const std::string kSqlSearch = std::string("SELECT ") + kSummaryColumns +
                               ", l.lat, l.lng, (extract(epoch FROM l.recorded_at) * 1000)::bigint AS recorded_ms"
                               " FROM driver_last_locations l"
                               " JOIN drivers d ON d.id = l.driver_id"
                               " LEFT JOIN vehicles v ON v.driver_id = d.id"
                               " WHERE point(l.lng, l.lat) <@ box(point($1, $2), point($3, $4))"
                               "   AND l.recorded_at >= timestamptz 'epoch' + $7::bigint * interval '1 millisecond'"
                               "   AND d.availability = 'online' AND d.current_trip_id IS NULL"
                               "   AND " UITGO_HAVERSINE
                               " <= $8"
                               " ORDER BY " UITGO_HAVERSINE
                               ", l.driver_id"
                               " LIMIT $9";
#undef UITGO_HAVERSINE

class SqlSearch final : public DriverSearch {
 public:
  SqlSearch(pg::Pool& db, std::int64_t stale_ms) : db_(db), stale_ms_(stale_ms) {}

  awaitable<std::vector<Nearby>> nearest(const SearchQuery& q, std::int64_t now_ms) override {
    const geo::LatLng center{q.lat, q.lng};
    const auto box = redis_geo::bounding_box(center, q.radius_meters);
    // The radius is widened by a centimetre so SQL's rounding never drops a
    // driver that the exact check below keeps.
    const auto r = co_await db_.query(kSqlSearch, {box.min_lng, box.min_lat, box.max_lng, box.max_lat, q.lat, q.lng,
                                                   now_ms - stale_ms_, q.radius_meters + 0.01, q.limit + 4});
    std::vector<Candidate> candidates;
    std::unordered_map<std::string, Summary> summaries;
    for (int i = 0; i < r.rows(); ++i) {
      auto summary = read_summary(r, i);
      candidates.push_back({summary.id,
                            {.lat = r.get<double>(i, "lat"),
                             .lng = r.get<double>(i, "lng"),
                             .recorded_at_ms = r.get<std::int64_t>(i, "recorded_ms")}});
      summaries.emplace(summary.id, std::move(summary));
    }
    const auto ranked = rank_candidates(std::move(candidates), center, q.radius_meters, q.limit);
    std::vector<Nearby> out;
    out.reserve(ranked.size());
    for (const auto& x : ranked) {
      out.push_back({.driver = std::make_shared<const Summary>(std::move(summaries.at(x.id))),
                     .fix = x.fix,
                     .distance_meters = x.distance_meters});
    }
    co_return out;
  }

 private:
  pg::Pool& db_;
  std::int64_t stale_ms_;
};

// GEO first; while Redis fails (down, stopped, timing out) the SQL path
// answers, so search degrades instead of failing. After a failure Redis is
// skipped for kRedisRest, so an outage costs one slow call per rest period,
// not one per search.
class GeoWithSqlFallback final : public DriverSearch {
 public:
  GeoWithSqlFallback(std::unique_ptr<DriverSearch> geo, std::unique_ptr<DriverSearch> sql, metrics::Registry& metrics)
      : geo_(std::move(geo)),
        sql_(std::move(sql)),
        fallbacks_(metrics.counter("driver_search_fallback_total",
                                   "searches answered by the SQL path because the Redis GEO index failed")) {}

  awaitable<std::vector<Nearby>> nearest(const SearchQuery& q, std::int64_t now_ms) override {
    co_return co_await either(&DriverSearch::nearest, q, now_ms);
  }

  awaitable<std::vector<std::string>> nearest_ids(const SearchQuery& q, std::int64_t now_ms) override {
    co_return co_await either(&DriverSearch::nearest_ids, q, now_ms);
  }

 private:
  static constexpr Millis kRedisRest{1000};

  template <class T>
  awaitable<T> either(awaitable<T> (DriverSearch::*call)(const SearchQuery&, std::int64_t), const SearchQuery& q,
                      std::int64_t now_ms) {
    if (Clock::now() >= redis_rests_until_.load()) {
      std::string error;
      try {
        co_return co_await ((*geo_).*call)(q, now_ms);
      } catch (const UnavailableError& e) {
        error = e.what();
      } catch (const TimeoutError& e) {
        error = e.what();
      } catch (const OverloadedError& e) {
        error = e.what();
      } catch (const redis::CommandError& e) {  // e.g. LOADING while Redis replays its AOF
        error = e.what();
      }
      redis_rests_until_.store(Clock::now() + kRedisRest);
      warn(error);
    }
    fallbacks_.inc();
    co_return co_await ((*sql_).*call)(q, now_ms);
  }

  void warn(const std::string& error) {
    std::uint64_t held_back = 0;
    if (!warnings_.allow(held_back)) return;
    log::warn("driver search: the GEO index failed; answering from Postgres",
              {{"error", error}, {"fallbacksSoFar", fallbacks_.value()}});
  }

  std::unique_ptr<DriverSearch> geo_;
  std::unique_ptr<DriverSearch> sql_;
  metrics::Counter& fallbacks_;
  std::atomic<Clock::time_point> redis_rests_until_{Clock::time_point{}};
  log::Throttle warnings_{std::chrono::seconds(10)};
};

}  // namespace

std::unique_ptr<DriverSearch> make_geo_search(DriverIndex& index, SummaryCache& summaries) {
  return std::make_unique<GeoSearch>(index, summaries);
}

std::unique_ptr<DriverSearch> make_sql_search(pg::Pool& db, std::int64_t stale_ms) {
  return std::make_unique<SqlSearch>(db, stale_ms);
}

std::unique_ptr<DriverSearch> make_search(std::string_view mode, pg::Pool& db, DriverIndex& index,
                                          SummaryCache& summaries, metrics::Registry& metrics) {
  if (mode == "sql") return make_sql_search(db, index.stale_ms());
  return std::make_unique<GeoWithSqlFallback>(make_geo_search(index, summaries), make_sql_search(db, index.stale_ms()),
                                              metrics);
}

}  // namespace uitgo::driver
