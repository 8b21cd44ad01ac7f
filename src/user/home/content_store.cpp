#include "user/home/content_store.hpp"

namespace uitgo::user::home {
namespace {

// clang-format off
// Timestamps leave Postgres as RFC 3339 UTC text with milliseconds, e.g. 2030-01-31T23:59:59.000Z.
#define UITGO_UTC_TEXT(column) "to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

constexpr const char* kPromotionColumns =
    "id::text AS id, title, description, code, image_url, gradient_start, gradient_end, priority, "
    UITGO_UTC_TEXT("expires_at") " AS expires_at, active, "
    UITGO_UTC_TEXT("created_at") " AS created_at, "
    UITGO_UTC_TEXT("updated_at") " AS updated_at";

constexpr const char* kNewsColumns =
    "id::text AS id, title, body, category, icon, image_url, "
    UITGO_UTC_TEXT("published_at") " AS published_at, "
    UITGO_UTC_TEXT("created_at") " AS created_at, "
    UITGO_UTC_TEXT("updated_at") " AS updated_at";

#undef UITGO_UTC_TEXT

// The window's min() sees every row the WHERE keeps (before LIMIT): the list
// changes by itself when the first of them expires.
const std::string kActivePromotions =
    std::string("SELECT ") + kPromotionColumns + ","
    "       ceil(extract(epoch FROM min(expires_at) OVER () - now()))::bigint AS valid_for"
    "  FROM promotions"
    " WHERE active AND (expires_at IS NULL OR expires_at > now())"
    " ORDER BY priority DESC, created_at DESC, id"
    " LIMIT " + std::to_string(kPromotionsMax);

const std::string kAllPromotions =
    std::string("SELECT ") + kPromotionColumns +
    "  FROM promotions ORDER BY active DESC, priority DESC, created_at DESC, id LIMIT " + std::to_string(kAdminListMax);

// Scheduled items (published_at in the future) included.
const std::string kAllNews =
    std::string("SELECT ") + kNewsColumns +
    "  FROM news ORDER BY published_at DESC, id DESC LIMIT " + std::to_string(kAdminListMax);

// Always at least one row, even when nothing is published yet (the aggregate
// answers), so the time until the next scheduled item is never lost.
const std::string kLatestNews =
    std::string("SELECT ceil(extract(epoch FROM nx.at - now()))::bigint AS valid_for, n.*"
    "  FROM (SELECT min(published_at) AS at FROM news WHERE published_at > now()) nx"
    "  LEFT JOIN LATERAL ("
    "       SELECT ") + kNewsColumns + ", published_at AS sort_at"
    "         FROM news"
    "        WHERE published_at <= now()"
    "        ORDER BY published_at DESC, id DESC"
    "        LIMIT $1) n ON true"
    " ORDER BY n.sort_at DESC, n.id DESC";

const std::string kInsertPromotion =
    std::string("INSERT INTO promotions"
    " (title, description, code, image_url, gradient_start, gradient_end, expires_at, priority, active)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    " RETURNING ") + kPromotionColumns;

const std::string kInsertNews =
    std::string("INSERT INTO news (title, body, category, icon, image_url, published_at)"
    " VALUES ($1, $2, $3, $4, $5, coalesce($6, now()))"
    " RETURNING ") + kNewsColumns;
// clang-format on

Promotion read_promotion(const pg::Result& r, int row) {
  return {.id = r.get<std::string>(row, "id"),
          .title = r.get<std::string>(row, "title"),
          .description = r.get<std::string>(row, "description"),
          .code = r.get<std::string>(row, "code"),
          .image_url = r.get<std::optional<std::string>>(row, "image_url"),
          .gradient_start = r.get<std::string>(row, "gradient_start"),
          .gradient_end = r.get<std::string>(row, "gradient_end"),
          .expires_at = r.get<std::optional<std::string>>(row, "expires_at"),
          .priority = r.get<int>(row, "priority"),
          .active = r.get<bool>(row, "active"),
          .created_at = r.get<std::string>(row, "created_at"),
          .updated_at = r.get<std::string>(row, "updated_at")};
}

NewsItem read_news(const pg::Result& r, int row) {
  return {.id = r.get<std::string>(row, "id"),
          .title = r.get<std::string>(row, "title"),
          .body = r.get<std::string>(row, "body"),
          .category = r.get<std::string>(row, "category"),
          .icon = r.get<std::string>(row, "icon"),
          .image_url = r.get<std::optional<std::string>>(row, "image_url"),
          .published_at = r.get<std::string>(row, "published_at"),
          .created_at = r.get<std::string>(row, "created_at"),
          .updated_at = r.get<std::string>(row, "updated_at")};
}

std::optional<std::chrono::seconds> valid_for(const pg::Result& r, int row) {
  const auto seconds = r.get<std::optional<std::int64_t>>(row, "valid_for");
  if (!seconds) return std::nullopt;
  return std::chrono::seconds(std::max<std::int64_t>(*seconds, 1));
}

// "UPDATE <table> SET updated_at = now(), a = $2, ... WHERE id = $1 RETURNING ..."
class UpdateBuilder {
 public:
  UpdateBuilder(const char* table, const std::string& id)
      : sql_(std::string("UPDATE ") + table + " SET updated_at = now()") {
    params_.add(id);
  }
  template <typename T>
  void set(const char* column, const T& value) {
    params_.add(value);
    sql_ += std::string(", ") + column + " = $" + std::to_string(params_.size());
  }
  std::string sql(const char* returning) const { return sql_ + " WHERE id = $1 RETURNING " + returning; }
  pg::Params take_params() { return std::move(params_); }

 private:
  std::string sql_;
  pg::Params params_;
};

}  // namespace

awaitable<Listing<Promotion>> ContentStore::active_promotions() {
  const auto r = co_await db_.query(kActivePromotions);
  Listing<Promotion> listing;
  listing.items.reserve(static_cast<std::size_t>(r.rows()));
  for (int row = 0; row < r.rows(); ++row) {
    listing.items.push_back(read_promotion(r, row));
    if (row == 0) listing.valid_for = valid_for(r, row);
  }
  co_return listing;
}

awaitable<Promotion> ContentStore::create_promotion(const PromotionDraft& d) {
  const auto r = co_await db_.query(kInsertPromotion, {d.title, d.description, d.code, d.image_url, d.gradient_start,
                                                       d.gradient_end, d.expires_at, d.priority, d.active});
  co_return read_promotion(r, 0);
}

awaitable<std::vector<Promotion>> ContentStore::all_promotions() {
  const auto r = co_await db_.query(kAllPromotions);
  std::vector<Promotion> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int row = 0; row < r.rows(); ++row) out.push_back(read_promotion(r, row));
  co_return out;
}

awaitable<std::optional<Promotion>> ContentStore::update_promotion(const std::string& id, const PromotionPatch& p) {
  UpdateBuilder update("promotions", id);
  if (p.title) update.set("title", *p.title);
  if (p.description) update.set("description", *p.description);
  if (p.code) update.set("code", *p.code);
  if (p.image_url) update.set("image_url", *p.image_url);
  if (p.gradient_start) update.set("gradient_start", *p.gradient_start);
  if (p.gradient_end) update.set("gradient_end", *p.gradient_end);
  if (p.expires_at) update.set("expires_at", *p.expires_at);
  if (p.priority) update.set("priority", *p.priority);
  if (p.active) update.set("active", *p.active);
  const std::string sql = update.sql(kPromotionColumns);
  const auto r = co_await db_.query(sql, update.take_params());
  if (r.empty()) co_return std::nullopt;
  co_return read_promotion(r, 0);
}

awaitable<bool> ContentStore::deactivate_promotion(const std::string& id) {
  const auto r = co_await db_.query(
      "UPDATE promotions SET active = false, updated_at = CASE WHEN active THEN now() ELSE updated_at END"
      " WHERE id = $1",
      {id});
  co_return r.affected_rows() > 0;
}

awaitable<Listing<NewsItem>> ContentStore::latest_news(int limit) {
  const auto r = co_await db_.query(kLatestNews, {limit});
  Listing<NewsItem> listing;
  if (r.rows() > 0) listing.valid_for = valid_for(r, 0);
  const int id = r.column("id");
  for (int row = 0; row < r.rows(); ++row) {
    if (r.is_null(row, id)) continue;  // nothing published: the one row of the aggregate
    listing.items.push_back(read_news(r, row));
  }
  co_return listing;
}

awaitable<NewsItem> ContentStore::create_news(const NewsDraft& d) {
  const auto r = co_await db_.query(kInsertNews, {d.title, d.body, d.category, d.icon, d.image_url, d.published_at});
  co_return read_news(r, 0);
}

awaitable<std::vector<NewsItem>> ContentStore::all_news() {
  const auto r = co_await db_.query(kAllNews);
  std::vector<NewsItem> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int row = 0; row < r.rows(); ++row) out.push_back(read_news(r, row));
  co_return out;
}

awaitable<std::optional<NewsItem>> ContentStore::update_news(const std::string& id, const NewsPatch& p) {
  UpdateBuilder update("news", id);
  if (p.title) update.set("title", *p.title);
  if (p.body) update.set("body", *p.body);
  if (p.category) update.set("category", *p.category);
  if (p.icon) update.set("icon", *p.icon);
  if (p.image_url) update.set("image_url", *p.image_url);
  if (p.published_at) update.set("published_at", *p.published_at);
  const std::string sql = update.sql(kNewsColumns);
  const auto r = co_await db_.query(sql, update.take_params());
  if (r.empty()) co_return std::nullopt;
  co_return read_news(r, 0);
}

awaitable<bool> ContentStore::delete_news(const std::string& id) {
  const auto r = co_await db_.query("DELETE FROM news WHERE id = $1", {id});
  co_return r.affected_rows() > 0;
}

}  // namespace uitgo::user::home
