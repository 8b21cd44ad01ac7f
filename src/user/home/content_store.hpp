// SQL for promotions and news (user_db). Every write is one statement, so it
// has committed when the awaitable completes; callers invalidate the cache
// afterwards. Ids are validated UUIDs (payloads.hpp); timestamps are parsed by
// Postgres and come back as RFC 3339 UTC text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/async.hpp"
#include "core/pg/pool.hpp"
#include "user/home/content.hpp"

namespace uitgo::user::home {

class ContentStore {
 public:
  explicit ContentStore(pg::Pool& db) : db_(db) {}

  // Active, not expired, highest priority first (then newest), at most kPromotionsMax.
  awaitable<Listing<Promotion>> active_promotions();
  // Every promotion, active or not (active first, then as above), at most kAdminListMax.
  awaitable<std::vector<Promotion>> all_promotions();
  awaitable<Promotion> create_promotion(const PromotionDraft& draft);
  // nullopt when no promotion has this id.
  awaitable<std::optional<Promotion>> update_promotion(const std::string& id, const PromotionPatch& patch);
  // Soft delete: the row stays, inactive. False when no promotion has this id.
  awaitable<bool> deactivate_promotion(const std::string& id);

  // Published (published_at <= now), newest first.
  awaitable<Listing<NewsItem>> latest_news(int limit);
  // Every item, scheduled ones included, newest first, at most kAdminListMax.
  awaitable<std::vector<NewsItem>> all_news();
  awaitable<NewsItem> create_news(const NewsDraft& draft);
  awaitable<std::optional<NewsItem>> update_news(const std::string& id, const NewsPatch& patch);
  awaitable<bool> delete_news(const std::string& id);

 private:
  pg::Pool& db_;
};

}  // namespace uitgo::user::home
