#include "user/home/home.hpp"

#include <boost/json/array.hpp>

#include "core/base/json_text.hpp"
#include "core/pg/errors.hpp"
#include "user/home/payloads.hpp"

namespace uitgo::user::home {
namespace {

// A bare JSON array: the original apps parse these lists `as List`.
template <typename T>
std::string render(const Listing<T>& listing) {
  boost::json::array items;
  items.reserve(listing.items.size());
  for (const auto& item : listing.items) items.emplace_back(public_json(item));
  return uitgo::json::to_text(items);
}

// Postgres had the last word on a timestamp the format check let through.
[[noreturn]] void rethrow_bad_timestamp(const pg::QueryError& e, const char* field) {
  if (e.sqlstate().starts_with("22")) {  // data exception: invalid / out-of-range datetime
    throw DomainError::invalid(field, std::string(field) + " is not a valid timestamp");
  }
  throw e;
}

}  // namespace

config::Spec home_spec() {
  config::Spec s;
  s.boolean("HOME_CACHE_ENABLED", true, "read-through Redis cache of GET /promotions and GET /news")
      .integer("HOME_CACHE_TTL_SECONDS", 300, 1, 86400, "lifetime of a cached home response")
      .integer("HOME_CACHE_TIMEOUT_MS", 50, 1, 5000,
               "deadline of one cache read/write; slower Redis replies are skipped and Postgres answers");
  return s;
}

CacheSettings cache_settings(const config::Values& c) {
  return {.enabled = c.flag("HOME_CACHE_ENABLED"),
          .ttl = std::chrono::seconds(c.integer("HOME_CACHE_TTL_SECONDS")),
          .timeout = c.millis("HOME_CACHE_TIMEOUT_MS")};
}

HomeContent::HomeContent(pg::Pool& db, redis::Client& redis, metrics::Registry& metrics, CacheSettings settings)
    : store_(db), cache_(redis, metrics, settings) {}

awaitable<std::string> HomeContent::promotions() {
  const std::string key = Cache::promotions_key();
  if (auto cached = co_await cache_.get(Section::promotions, key)) co_return std::move(*cached);
  const auto listing = co_await store_.active_promotions();
  std::string body = render(listing);
  co_await cache_.put(key, body, listing.valid_for);
  co_return body;
}

awaitable<std::string> HomeContent::news(int limit) {
  const std::string key = Cache::news_key(limit);
  if (auto cached = co_await cache_.get(Section::news, key)) co_return std::move(*cached);
  const auto listing = co_await store_.latest_news(limit);
  std::string body = render(listing);
  co_await cache_.put(key, body, listing.valid_for);
  co_return body;
}

awaitable<Promotion> HomeContent::create_promotion(const PromotionDraft& draft) {
  std::optional<Promotion> created;
  try {
    created = co_await store_.create_promotion(draft);
  } catch (const pg::QueryError& e) {
    rethrow_bad_timestamp(e, "expiresAt");
  }
  co_await cache_.invalidate(Section::promotions);
  co_return std::move(*created);
}

awaitable<Promotion> HomeContent::update_promotion(const std::string& id, const PromotionPatch& patch) {
  std::optional<Promotion> updated;
  try {
    updated = co_await store_.update_promotion(id, patch);
  } catch (const pg::QueryError& e) {
    rethrow_bad_timestamp(e, "expiresAt");
  }
  if (!updated) throw DomainError::not_found("promotion not found");
  co_await cache_.invalidate(Section::promotions);
  co_return std::move(*updated);
}

awaitable<std::vector<Promotion>> HomeContent::all_promotions() { co_return co_await store_.all_promotions(); }

awaitable<std::vector<NewsItem>> HomeContent::all_news() { co_return co_await store_.all_news(); }

awaitable<void> HomeContent::delete_promotion(const std::string& id) {
  // Named first: GCC 12 miscompiles `if (!co_await f()) throw ...;` here
  // (the process crashed on DELETE; see docs/ARCHITECTURE.md, coroutine rules).
  const bool found = co_await store_.deactivate_promotion(id);
  if (!found) throw DomainError::not_found("promotion not found");
  co_await cache_.invalidate(Section::promotions);
}

awaitable<NewsItem> HomeContent::create_news(const NewsDraft& draft) {
  std::optional<NewsItem> created;
  try {
    created = co_await store_.create_news(draft);
  } catch (const pg::QueryError& e) {
    rethrow_bad_timestamp(e, "publishedAt");
  }
  co_await cache_.invalidate(Section::news);
  co_return std::move(*created);
}

awaitable<NewsItem> HomeContent::update_news(const std::string& id, const NewsPatch& patch) {
  std::optional<NewsItem> updated;
  try {
    updated = co_await store_.update_news(id, patch);
  } catch (const pg::QueryError& e) {
    rethrow_bad_timestamp(e, "publishedAt");
  }
  if (!updated) throw DomainError::not_found("news item not found");
  co_await cache_.invalidate(Section::news);
  co_return std::move(*updated);
}

awaitable<void> HomeContent::delete_news(const std::string& id) {
  const bool deleted = co_await store_.delete_news(id);
  if (!deleted) throw DomainError::not_found("news item not found");
  co_await cache_.invalidate(Section::news);
}

}  // namespace uitgo::user::home
