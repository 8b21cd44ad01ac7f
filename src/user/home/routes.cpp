#include "user/home/routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <memory>

#include "core/base/errors.hpp"
#include "core/base/log.hpp"
#include "core/pg/errors.hpp"
#include "user/home/cache.hpp"
#include "user/home/payloads.hpp"
#include "user/home/repository.hpp"

namespace uitgo::user::home {
namespace {

struct Home {
  Home(pg::Pool& db, redis::Client& redis, metrics::Registry& metrics, CacheSettings settings)
      : repository(db), cache(redis, metrics, settings) {}
  Repository repository;
  Cache cache;
};

CacheSettings cache_settings(const config::Values& c) {
  return {.enabled = c.flag("HOME_CACHE_ENABLED"),
          .ttl = std::chrono::seconds(c.integer("HOME_CACHE_TTL_SECONDS")),
          .timeout = c.millis("HOME_CACHE_TIMEOUT_MS")};
}

http::Response json_body(int status, std::string body) {
  return http::Response{.status = status, .body = std::move(body)};
}

template <typename T>
std::string render(const Listing<T>& listing) {
  boost::json::array items;
  items.reserve(listing.items.size());
  for (const auto& item : listing.items) items.emplace_back(public_json(item));
  return boost::json::serialize(boost::json::object{{"items", std::move(items)}});
}

// Postgres had the last word on a timestamp the format check let through.
[[noreturn]] void rethrow_bad_timestamp(const pg::QueryError& e, const char* field) {
  if (e.sqlstate().starts_with("22")) {  // data exception: invalid / out-of-range datetime
    throw HttpError::validation(field, std::string(field) + " is not a valid timestamp");
  }
  throw e;
}

void audit(const char* action, const http::Request& request, const std::string& id) {
  log::info(action, {{"id", id}, {"adminId", request.caller().user_id}, {"requestId", request.request_id}});
}

// ---- public reads

awaitable<http::Response> list_promotions(Home& home, http::Request&) {
  const std::string key = Cache::promotions_key();
  if (auto cached = co_await home.cache.get(Section::promotions, key)) co_return json_body(200, std::move(*cached));
  const auto listing = co_await home.repository.active_promotions();
  std::string body = render(listing);
  co_await home.cache.put(key, body, listing.valid_for);
  co_return json_body(200, std::move(body));
}

awaitable<http::Response> list_news(Home& home, http::Request& request) {
  const int limit = parse_news_limit(request.query_param("limit"));
  const std::string key = Cache::news_key(limit);
  if (auto cached = co_await home.cache.get(Section::news, key)) co_return json_body(200, std::move(*cached));
  const auto listing = co_await home.repository.latest_news(limit);
  std::string body = render(listing);
  co_await home.cache.put(key, body, listing.valid_for);
  co_return json_body(200, std::move(body));
}

// ---- admin writes: validate everything first, write (one statement,
// committed on return), then invalidate.

awaitable<http::Response> create_promotion(Home& home, http::Request& request) {
  const auto draft = parse_promotion_draft(request.body);
  std::optional<Promotion> created;
  try {
    created = co_await home.repository.create_promotion(draft);
  } catch (const pg::QueryError& e) {
    rethrow_bad_timestamp(e, "expiresAt");
  }
  co_await home.cache.invalidate(Section::promotions);
  audit("promotion created", request, created->id);
  co_return http::Response::json(201, admin_json(*created));
}

awaitable<http::Response> update_promotion(Home& home, http::Request& request) {
  const auto id = parse_id(request.path_param("id"));
  const auto patch = parse_promotion_patch(request.body);
  std::optional<Promotion> updated;
  try {
    updated = co_await home.repository.update_promotion(id, patch);
  } catch (const pg::QueryError& e) {
    rethrow_bad_timestamp(e, "expiresAt");
  }
  if (!updated) throw HttpError::not_found("promotion not found");
  co_await home.cache.invalidate(Section::promotions);
  audit("promotion updated", request, id);
  co_return http::Response::json(200, admin_json(*updated));
}

awaitable<http::Response> delete_promotion(Home& home, http::Request& request) {
  const auto id = parse_id(request.path_param("id"));
  if (!co_await home.repository.delete_promotion(id)) throw HttpError::not_found("promotion not found");
  co_await home.cache.invalidate(Section::promotions);
  audit("promotion deleted", request, id);
  co_return http::Response::no_content();
}

awaitable<http::Response> create_news(Home& home, http::Request& request) {
  const auto draft = parse_news_draft(request.body);
  std::optional<NewsItem> created;
  try {
    created = co_await home.repository.create_news(draft);
  } catch (const pg::QueryError& e) {
    rethrow_bad_timestamp(e, "publishedAt");
  }
  co_await home.cache.invalidate(Section::news);
  audit("news created", request, created->id);
  co_return http::Response::json(201, admin_json(*created));
}

awaitable<http::Response> update_news(Home& home, http::Request& request) {
  const auto id = parse_id(request.path_param("id"));
  const auto patch = parse_news_patch(request.body);
  std::optional<NewsItem> updated;
  try {
    updated = co_await home.repository.update_news(id, patch);
  } catch (const pg::QueryError& e) {
    rethrow_bad_timestamp(e, "publishedAt");
  }
  if (!updated) throw HttpError::not_found("news item not found");
  co_await home.cache.invalidate(Section::news);
  audit("news updated", request, id);
  co_return http::Response::json(200, admin_json(*updated));
}

awaitable<http::Response> delete_news(Home& home, http::Request& request) {
  const auto id = parse_id(request.path_param("id"));
  if (!co_await home.repository.delete_news(id)) throw HttpError::not_found("news item not found");
  co_await home.cache.invalidate(Section::news);
  audit("news deleted", request, id);
  co_return http::Response::no_content();
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

void add_routes(service::Runtime& runtime, pg::Pool& db, redis::Client& redis) {
  const auto settings = cache_settings(runtime.config());
  auto home = std::make_shared<Home>(db, redis, runtime.metrics(), settings);
  log::info(
      "home cache",
      {{"enabled", settings.enabled}, {"ttlSeconds", settings.ttl.count()}, {"timeoutMs", settings.timeout.count()}});

  using Handler = awaitable<http::Response> (*)(Home&, http::Request&);
  const auto bind = [home](Handler handler) {
    return [home, handler](http::Request& request) { return handler(*home, request); };
  };
  const auto admin = http::Access::roles_of({"admin"});
  auto& router = runtime.router();
  router.add("GET", "/promotions", bind(list_promotions));
  router.add("GET", "/news", bind(list_news));
  router.add("POST", "/admin/promotions", bind(create_promotion), admin);
  router.add("PATCH", "/admin/promotions/{id}", bind(update_promotion), admin);
  router.add("DELETE", "/admin/promotions/{id}", bind(delete_promotion), admin);
  router.add("POST", "/admin/news", bind(create_news), admin);
  router.add("PATCH", "/admin/news/{id}", bind(update_news), admin);
  router.add("DELETE", "/admin/news/{id}", bind(delete_news), admin);
}

}  // namespace uitgo::user::home
