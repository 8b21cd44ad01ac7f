// Home content use cases: the public lists of promotions and news, read
// through the Redis cache (a list is rendered once, as the bare JSON array the
// apps parse, and cached as text), the admin lists (everything, uncached) and
// the admin writes, each validated first, written in one statement and then
// followed by the invalidation of its section. Deleting a promotion
// deactivates it (the admin list still shows it). HTTP-free.
#pragma once

#include <string>
#include <vector>

#include "core/base/config.hpp"
#include "core/base/metrics.hpp"
#include "core/pg/pool.hpp"
#include "core/redis/client.hpp"
#include "user/home/cache.hpp"
#include "user/home/content_store.hpp"

namespace uitgo::user::home {

// HOME_CACHE_ENABLED, HOME_CACHE_TTL_SECONDS, HOME_CACHE_TIMEOUT_MS.
config::Spec home_spec();
CacheSettings cache_settings(const config::Values& config);

class HomeContent {
 public:
  HomeContent(pg::Pool& db, redis::Client& redis, metrics::Registry& metrics, CacheSettings settings);

  // The JSON text of the public lists.
  awaitable<std::string> promotions();
  awaitable<std::string> news(int limit);

  awaitable<std::vector<Promotion>> all_promotions();
  awaitable<std::vector<NewsItem>> all_news();

  awaitable<Promotion> create_promotion(const PromotionDraft& draft);
  awaitable<Promotion> update_promotion(const std::string& id, const PromotionPatch& patch);
  awaitable<void> delete_promotion(const std::string& id);
  awaitable<NewsItem> create_news(const NewsDraft& draft);
  awaitable<NewsItem> update_news(const std::string& id, const NewsPatch& patch);
  awaitable<void> delete_news(const std::string& id);

 private:
  ContentStore store_;
  Cache cache_;
};

}  // namespace uitgo::user::home
