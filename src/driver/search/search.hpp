// GET /v1/drivers/search behind one interface, two implementations:
//   geo  Redis GEO (DriverIndex::search, expanding radius), then the
//        summaries of every result (SummaryCache: in memory, else ONE query);
//   sql  the seed's baseline: one Postgres query, bounding box on the GiST
//        point index + haversine over driver_last_locations, joined to the
//        profiles (online, not on a trip, fresh).
// Both re-rank with rank_candidates(): exact distance, then id. In geo mode a
// failing Redis makes the sql path answer (make_search). nearest_ids() is the
// matcher's question: the same drivers in the same order, without profiles
// (geo: no Postgres query at all; a driver deleted meanwhile fails its
// reservation instead).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/async.hpp"
#include "core/base/metrics.hpp"
#include "core/pg/pool.hpp"
#include "driver/index/driver_index.hpp"
#include "driver/profiles/profile.hpp"
#include "driver/profiles/profile_store.hpp"
#include "driver/profiles/summary_cache.hpp"
#include "driver/search/search_query.hpp"

namespace uitgo::driver {

class DriverSearch {
 public:
  virtual ~DriverSearch() = default;
  virtual awaitable<std::vector<Nearby>> nearest(const SearchQuery& query, std::int64_t now_ms) = 0;
  virtual awaitable<std::vector<std::string>> nearest_ids(const SearchQuery& query, std::int64_t now_ms);
};

std::unique_ptr<DriverSearch> make_geo_search(DriverIndex& index, SummaryCache& summaries);
std::unique_ptr<DriverSearch> make_sql_search(pg::Pool& db, std::int64_t stale_ms);
// `mode` is "geo" or "sql" (config validates it). geo falls back to sql while
// Redis fails (driver_search_fallback_total).
std::unique_ptr<DriverSearch> make_search(std::string_view mode, pg::Pool& db, DriverIndex& index,
                                          SummaryCache& summaries, metrics::Registry& metrics);

}  // namespace uitgo::driver
