// Home content (promotions, news) through the gateway on real Postgres, Redis
// and nginx, with the read-through cache at its default TTL (300 s): reads,
// admin writes and their cache invalidation, auth, validation, Redis down or
// hung, cache metrics.
#include <signal.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <thread>

#include "home/home_support.hpp"
#include "support/eventually.hpp"
#include "support/shared_environment.hpp"
#include "support/shell.hpp"

namespace uitgo::test::home {
namespace {

using namespace std::chrono_literals;

Home* home = nullptr;
const auto* const environment = share_per_binary(home, [] { return std::make_unique<Home>(); });

// RFC 3339 UTC, `offset` from now.
std::string utc_in(std::chrono::seconds offset) {
  const std::time_t t = std::time(nullptr) + offset.count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

json::object create(const std::string& kind, const json::object& body) {
  const auto r = home->admin_call("POST", "/admin/" + kind, body);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? json::parse(r.body).as_object() : json::object{};
}

json::object promotion(const std::string& title, json::object extra = {}) {
  json::object body{{"title", title}, {"description", "desc of " + title}, {"code", "CODE42"}};
  for (auto& [k, v] : extra) body[k] = v;
  return create("promotions", body);
}

json::object news(const std::string& title, json::object extra = {}) {
  json::object body{{"title", title}, {"body", "body of " + title}};
  for (auto& [k, v] : extra) body[k] = v;
  return create("news", body);
}

bool is_utc_timestamp(const json::value& v) {
  if (!v.is_string()) return false;
  const std::string s(v.as_string());
  return s.size() == 24 && s[10] == 'T' && s.back() == 'Z';  // 2030-01-31T23:59:59.000Z
}

bool listed(const std::string& path, const std::string& id) { return find_item(home->items(path), id).has_value(); }

TEST(Home, PromotionsListActiveUnexpiredOnesInThePublicShape) {
  const auto visible = promotion(
      unique("visible"), {{"imageUrl", "https://cdn.example.com/p.png"}, {"expiresAt", "2031-06-30T17:00:00+07:00"}});
  const auto forever = promotion(unique("forever"));
  const auto expired = promotion(unique("expired"), {{"expiresAt", "2001-01-01T00:00:00Z"}});
  const auto inactive = promotion(unique("inactive"), {{"active", false}});
  EXPECT_FALSE(inactive.at("active").as_bool());
  EXPECT_TRUE(is_utc_timestamp(visible.at("createdAt")));

  const auto items = home->items("/promotions");
  const auto item = find_item(items, str(visible, "id"));
  ASSERT_TRUE(item) << json::serialize(items);
  EXPECT_EQ(str(*item, "title"), str(visible, "title"));
  EXPECT_EQ(str(*item, "description"), "desc of " + str(visible, "title"));
  EXPECT_EQ(str(*item, "code"), "CODE42");
  EXPECT_EQ(str(*item, "imageUrl"), "https://cdn.example.com/p.png");
  EXPECT_EQ(str(*item, "expiresAt"), "2031-06-30T10:00:00.000Z");  // converted to UTC
  EXPECT_EQ(str(*item, "gradientStart"), "#667EEA") << "the apps' default colours";
  EXPECT_EQ(str(*item, "gradientEnd"), "#764BA2");
  EXPECT_EQ(item->at("priority").as_int64(), 0);
  EXPECT_TRUE(item->at("isActive").as_bool());
  EXPECT_EQ(item->size(), 10u) << "public shape only: " << json::serialize(*item);
  const auto no_expiry = find_item(items, str(forever, "id"));
  ASSERT_TRUE(no_expiry);
  EXPECT_TRUE(no_expiry->at("expiresAt").is_null());
  EXPECT_TRUE(no_expiry->at("imageUrl").is_null());
  EXPECT_FALSE(find_item(items, str(expired, "id")));
  EXPECT_FALSE(find_item(items, str(inactive, "id")));
}

TEST(Home, NewsIsNewestFirstAndHidesScheduledItems) {
  const auto older = news(unique("older"), {{"publishedAt", "2020-01-01T08:00:00Z"}});
  const auto newer =
      news(unique("newer"), {{"publishedAt", "2020-01-02T08:00:00Z"}, {"imageUrl", "http://x.example/n.jpg"}});
  const auto latest = news(unique("latest"));  // published now
  const auto scheduled = news(unique("scheduled"), {{"publishedAt", utc_in(std::chrono::hours(24 * 365))}});
  EXPECT_TRUE(is_utc_timestamp(latest.at("publishedAt")));

  const auto items = home->items("/news?limit=50");
  std::vector<std::string> order;
  for (const auto& item : items) order.push_back(str(item, "id"));
  const auto pos = [&](const json::object& o) {
    return std::find(order.begin(), order.end(), str(o, "id")) - order.begin();
  };
  ASSERT_LT(pos(latest), pos(newer));
  ASSERT_LT(pos(newer), pos(older));
  ASSERT_LT(pos(older), static_cast<long>(order.size()));
  EXPECT_EQ(pos(scheduled), static_cast<long>(order.size())) << "scheduled news is not listed yet";

  const auto item = *find_item(items, str(newer, "id"));
  EXPECT_EQ(str(item, "publishedAt"), "2020-01-02T08:00:00.000Z");
  EXPECT_EQ(str(item, "imageUrl"), "http://x.example/n.jpg");
  EXPECT_EQ(str(item, "body"), "body of " + str(newer, "title"));
  EXPECT_EQ(str(item, "category"), "general");
  EXPECT_EQ(str(item, "icon"), "news");
  EXPECT_EQ(item.size(), 7u) << json::serialize(item);

  // Default limit 5 (the apps'); the newest item comes first.
  const auto defaults = home->items("/news");
  EXPECT_LE(defaults.size(), 5u);
  ASSERT_FALSE(defaults.empty());
  EXPECT_EQ(str(defaults[0], "id"), str(latest, "id"));
  EXPECT_EQ(home->items("/news?limit=2").size(), 2u);
}

TEST(Home, NewsLimitIsValidated) {
  for (const std::string bad : {"0", "-1", "abc", "1.5", "", "%20", "10abc"}) {
    const auto r = home->gateway.call("GET", "/news?limit=" + bad);
    EXPECT_EQ(r.status, 400) << "limit=" << bad << ": " << r.body;
    if (r.status == 400) {
      EXPECT_EQ(str(json::parse(r.body), "code"), "validation_failed");
      EXPECT_EQ(str(json::parse(r.body), "field"), "limit");
    }
  }
  // Above the maximum: clamped to 50, not refused.
  for (int i = 0; i < 3; ++i) news(unique("filler"));
  for (const std::string big : {"51", "1000", "99999999999999999999999"}) {
    const auto r = home->gateway.call("GET", "/news?limit=" + big);
    EXPECT_EQ(r.status, 200) << big << ": " << r.body;
  }
  EXPECT_EQ(home->items("/news?limit=51"), home->items("/news?limit=50"));
  EXPECT_EQ(home->items("/news?limit=007").size(), std::min<std::size_t>(7, home->items("/news?limit=50").size()));
}

TEST(Home, AdminWritesInvalidateAWarmPromotionsCache) {
  home->items("/promotions");  // warm
  const double hits = home->cache_counter("promotions", "hit");
  home->items("/promotions");
  EXPECT_GT(home->cache_counter("promotions", "hit"), hits) << "second read is served from Redis";

  const auto created = promotion(unique("fresh"));
  const auto id = str(created, "id");
  EXPECT_TRUE(listed("/promotions", id)) << "create invalidated the cache";
  home->items("/promotions");  // warm again

  const auto patched = home->admin_call("PATCH", "/admin/promotions/" + id,
                                        json::object{{"title", "renamed"}, {"imageUrl", "https://img.example/a.png"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(str(json::parse(patched.body), "title"), "renamed");
  EXPECT_EQ(str(json::parse(patched.body), "code"), "CODE42") << "untouched fields are kept";
  auto item = find_item(home->items("/promotions"), id);
  ASSERT_TRUE(item);
  EXPECT_EQ(str(*item, "title"), "renamed");

  // null clears a nullable field.
  const auto cleared = home->admin_call("PATCH", "/admin/promotions/" + id, json::object{{"imageUrl", nullptr}});
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(find_item(home->items("/promotions"), id)->at("imageUrl").is_null());

  const auto deactivated = home->admin_call("PATCH", "/admin/promotions/" + id, json::object{{"active", false}});
  ASSERT_EQ(deactivated.status, 200);
  EXPECT_FALSE(listed("/promotions", id));
  ASSERT_EQ(home->admin_call("PATCH", "/admin/promotions/" + id, json::object{{"active", true}}).status, 200);
  EXPECT_TRUE(listed("/promotions", id));

  // DELETE deactivates (the row stays, the admin list shows it inactive).
  EXPECT_EQ(home->admin_call("DELETE", "/admin/promotions/" + id).status, 204);
  EXPECT_FALSE(listed("/promotions", id));
  EXPECT_EQ(home->admin_call("DELETE", "/admin/promotions/" + id).status, 204) << "already inactive";
  const auto all = home->admin_call("GET", "/admin/promotions");
  ASSERT_EQ(all.status, 200) << all.body;
  const auto kept = find_item(json::parse(all.body).as_array(), id);
  ASSERT_TRUE(kept) << "a deleted promotion stays in the admin list";
  EXPECT_FALSE(kept->at("isActive").as_bool());
  EXPECT_FALSE(kept->at("active").as_bool());
}

TEST(Home, TheCacheKeysNameTheBodyShape) {
  // A body cached by a release that answered {"items": [...]} is never served.
  const std::string old_key = "home:promotions";
  redis_cli(home->stack.redis_port, "SET " + old_key + " '{\"items\":[]}' EX 300");
  home->items("/promotions");
  EXPECT_EQ(redis_cli(home->stack.redis_port, "EXISTS home:v2:promotions"), "1");
  home->items("/news?limit=5");
  EXPECT_EQ(redis_cli(home->stack.redis_port, "EXISTS home:v2:news:5"), "1");
}

TEST(Home, AdminWritesInvalidateEveryCachedNewsLimit) {
  home->items("/news");
  home->items("/news?limit=3");
  home->items("/news?limit=50");
  const double hits = home->cache_counter("news", "hit");
  home->items("/news?limit=3");
  EXPECT_GT(home->cache_counter("news", "hit"), hits);

  const auto created = news(unique("breaking"));
  const auto id = str(created, "id");
  for (const std::string path : {"/news", "/news?limit=3", "/news?limit=50"}) {
    EXPECT_TRUE(listed(path, id)) << path;
  }

  const auto patched = home->admin_call("PATCH", "/admin/news/" + id, json::object{{"body", "updated body"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(str(*find_item(home->items("/news?limit=3"), id), "body"), "updated body");

  // Moving it into the past takes it out of the 3 newest.
  ASSERT_EQ(
      home->admin_call("PATCH", "/admin/news/" + id, json::object{{"publishedAt", "1999-12-31T23:59:59Z"}}).status,
      200);
  EXPECT_FALSE(listed("/news?limit=3", id));

  EXPECT_EQ(home->admin_call("DELETE", "/admin/news/" + id).status, 204);
  EXPECT_FALSE(listed("/news?limit=50", id));
  EXPECT_EQ(home->admin_call("DELETE", "/admin/news/" + id).status, 404);
}

TEST(Home, ACachedListStillDropsAPromotionWhenItExpires) {
  // The TTL is 300 s, but the cached list must not outlive its first expiry.
  const auto soon = promotion(unique("flash sale"), {{"expiresAt", utc_in(3s)}});
  const auto id = str(soon, "id");
  EXPECT_TRUE(listed("/promotions", id));
  EXPECT_TRUE(listed("/promotions", id));  // from the cache
  EXPECT_TRUE(eventually([&] { return !listed("/promotions", id); }, 8000ms));
}

TEST(Home, ACachedListShowsScheduledNewsWhenItIsPublished) {
  const auto scheduled = news(unique("at noon"), {{"publishedAt", utc_in(3s)}});
  const auto id = str(scheduled, "id");
  EXPECT_FALSE(listed("/news?limit=5", id));
  EXPECT_FALSE(listed("/news?limit=5", id));  // from the cache
  EXPECT_TRUE(eventually([&] { return listed("/news?limit=5", id); }, 8000ms));
}

TEST(Home, AdminRoutesNeedAnAdmin) {
  const std::string body = R"({"title":"x","code":"X","body":"y"})";
  const std::string some_id = "/00000000-0000-4000-8000-000000000000";
  for (const std::string kind : {"promotions", "news"}) {
    const std::string base = "/admin/" + kind;
    for (const auto& [method, path] :
         {std::pair{"GET", base}, {"POST", base}, {"PATCH", base + some_id}, {"DELETE", base + some_id}}) {
      const auto anonymous = home->gateway.call(method, path, {}, body);
      EXPECT_EQ(anonymous.status, 401) << method << " " << path;
      EXPECT_EQ(str(json::parse(anonymous.body), "code"), "unauthorized");
      const auto rider = home->gateway.call(method, path, home->gateway.token("rider"), body);
      EXPECT_EQ(rider.status, 403) << method << " " << path << ": " << rider.body;
      EXPECT_EQ(str(json::parse(rider.body), "code"), "forbidden");
      EXPECT_EQ(home->gateway.call(method, path, home->gateway.token("driver"), body).status, 403);
      EXPECT_EQ(home->gateway.call(method, path, "not.a.token", body).status, 401);
    }
  }
  // Reads need no token.
  EXPECT_EQ(home->gateway.call("GET", "/promotions").status, 200);
  EXPECT_EQ(home->gateway.call("GET", "/news").status, 200);
}

TEST(Home, InvalidBodiesNameTheFieldAndWriteNothing) {
  struct Case {
    std::string kind;
    std::string body;
    std::string field;  // empty: invalid_json
  };
  const std::string long_title(201, 't'), long_text(5001, 'd'), long_code(51, 'C');
  const std::string long_url = "https://example.com/" + std::string(2030, 'a');
  const Case cases[] = {
      {"promotions", "{nope", ""},
      {"promotions", "[]", ""},
      {"promotions", R"({"code":"A"})", "title"},
      {"promotions", R"({"title":"","code":"A"})", "title"},
      {"promotions", R"({"title":"   ","code":"A"})", "title"},
      {"promotions", R"({"title":")" + long_title + R"(","code":"A"})", "title"},
      {"promotions", R"({"title":7,"code":"A"})", "title"},
      {"promotions", R"({"title":"T"})", "code"},
      {"promotions", R"({"title":"T","code":")" + long_code + R"("})", "code"},
      {"promotions", R"({"title":"T","code":"two words"})", "code"},
      {"promotions", R"({"title":"T","code":"A","description":")" + long_text + R"("})", "description"},
      {"promotions", R"({"title":"T","code":"A","imageUrl":"ftp://example.com/a.png"})", "imageUrl"},
      {"promotions", R"({"title":"T","code":"A","imageUrl":"not a url"})", "imageUrl"},
      {"promotions", R"({"title":"T","code":"A","imageUrl":"https://"})", "imageUrl"},
      {"promotions", R"({"title":"T","code":"A","imageUrl":")" + long_url + R"("})", "imageUrl"},
      {"promotions", R"({"title":"T","code":"A","expiresAt":"tomorrow"})", "expiresAt"},
      {"promotions", R"({"title":"T","code":"A","expiresAt":"2030-02-30T00:00:00Z"})", "expiresAt"},
      {"promotions", R"({"title":"T","code":"A","expiresAt":"2030-01-01"})", "expiresAt"},
      {"promotions", R"({"title":"T","code":"A","expiresAt":"2030-01-01T25:00:00Z"})", "expiresAt"},
      {"promotions", R"({"title":"T","code":"A","expiresAt":"2030-01-01T10:00:00+0700"})", "expiresAt"},
      {"promotions", R"({"title":"T","code":"A","expiresAt":1893456000})", "expiresAt"},
      {"promotions", R"({"title":"T","code":"A","active":"yes"})", "active"},
      {"promotions", R"({"title":"T","code":"A","gradientStart":"red"})", "gradientStart"},
      {"promotions", R"({"title":"T","code":"A","gradientEnd":"#12345"})", "gradientEnd"},
      {"promotions", R"({"title":"T","code":"A","priority":"high"})", "priority"},
      {"promotions", R"({"title":"T","code":"A","priority":100000})", "priority"},
      {"promotions", R"({"title":"T","code":"A","isActive":1})", "isActive"},
      {"news", R"({"title":"T","body":"b","icon":"Not An Icon"})", "icon"},
      {"news", R"({"title":"T","body":"b","category":""})", "category"},
      {"news", R"({"body":"b"})", "title"},
      {"news", R"({"title":"T"})", "body"},
      {"news", R"({"title":"T","body":""})", "body"},
      {"news", R"({"title":"T","body":")" + long_text + R"("})", "body"},
      {"news", R"j({"title":"T","body":"b","imageUrl":"javascript:alert(1)"})j", "imageUrl"},
      {"news", R"({"title":"T","body":"b","publishedAt":"2020-13-01T00:00:00Z"})", "publishedAt"},
  };
  const auto promotions_before = home->count("promotions");
  const auto news_before = home->count("news");
  for (const auto& c : cases) {
    const auto r = home->gateway.call("POST", "/admin/" + c.kind, home->gateway.token("admin"), c.body);
    ASSERT_EQ(r.status, 400) << c.kind << " " << c.body.substr(0, 120) << ": " << r.body;
    const auto error = json::parse(r.body);
    if (c.field.empty()) {
      EXPECT_EQ(str(error, "code"), "invalid_json") << c.body;
    } else {
      EXPECT_EQ(str(error, "code"), "validation_failed") << c.body.substr(0, 120);
      EXPECT_EQ(str(error, "field"), c.field) << c.body.substr(0, 120) << ": " << r.body;
    }
  }
  EXPECT_EQ(home->count("promotions"), promotions_before);
  EXPECT_EQ(home->count("news"), news_before);

  // A bad PATCH leaves the row as it was.
  const auto p = promotion(unique("stable"));
  const auto id = str(p, "id");
  const auto bad_patch = home->admin_call("PATCH", "/admin/promotions/" + id,
                                          json::object{{"title", "changed"}, {"expiresAt", "someday"}});
  EXPECT_EQ(bad_patch.status, 400);
  EXPECT_EQ(str(json::parse(bad_patch.body), "field"), "expiresAt");
  EXPECT_EQ(home->gateway.scalar("user_db", "SELECT title FROM promotions WHERE id = '" + id + "'"), str(p, "title"));
  const auto n = news(unique("stable news"));
  const auto bad_news = home->admin_call("PATCH", "/admin/news/" + str(n, "id"), json::object{{"title", ""}});
  EXPECT_EQ(bad_news.status, 400);
  EXPECT_EQ(str(json::parse(bad_news.body), "field"), "title");
}

TEST(Home, UnknownAndMalformedIds) {
  const std::string unknown = "/0b7e3c1a-2f4d-4c5e-9a6b-7c8d9e0f1a2b";
  for (const std::string kind : {"promotions", "news"}) {
    const auto patch = home->admin_call("PATCH", "/admin/" + kind + unknown, json::object{{"title", "x"}});
    EXPECT_EQ(patch.status, 404) << patch.body;
    EXPECT_EQ(str(json::parse(patch.body), "code"), "not_found");
    EXPECT_EQ(home->admin_call("DELETE", "/admin/" + kind + unknown).status, 404);
    for (const std::string bad : {"/123", "/not-a-uuid", "/0b7e3c1a2f4d4c5e9a6b7c8d9e0f1a2b"}) {
      const auto r = home->admin_call("DELETE", "/admin/" + kind + bad);
      EXPECT_EQ(r.status, 400) << kind << bad << ": " << r.body;
      EXPECT_EQ(str(json::parse(r.body), "field"), "id");
      EXPECT_EQ(home->admin_call("PATCH", "/admin/" + kind + bad, json::object{{"title", "x"}}).status, 400);
    }
  }
}

TEST(Home, CacheMetricsCountHitsAndMisses) {
  const double misses = home->cache_counter("news", "miss");
  const double hits = home->cache_counter("news", "hit");
  ASSERT_GE(misses, 0) << "series exported";
  ASSERT_GE(hits, 0);
  home->items("/news?limit=17");  // a key no other test reads: a miss
  home->items("/news?limit=17");  // then a hit
  EXPECT_EQ(home->cache_counter("news", "miss"), misses + 1);
  EXPECT_EQ(home->cache_counter("news", "hit"), hits + 1);
  EXPECT_GE(home->cache_counter("promotions", "error"), 0);
}

TEST(Home, ServedFromPostgresWhileRedisIsDown) {
  const auto p = promotion(unique("no redis"));
  const auto id = str(p, "id");
  EXPECT_TRUE(listed("/promotions", id));  // cached
  const double errors = home->cache_counter("promotions", "error");

  home->stack.stop("redis");
  for (int i = 0; i < 5; ++i) {
    const auto r = home->gateway.call("GET", "/promotions");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(find_item(json::parse(r.body).as_array(), id));
  }
  EXPECT_EQ(home->gateway.call("GET", "/news?limit=4").status, 200);
  EXPECT_GT(home->cache_counter("promotions", "error"), errors);
  // Writes still succeed (the failed invalidation is only logged).
  const auto during = promotion(unique("written while redis is down"));
  EXPECT_TRUE(listed("/promotions", str(during, "id")));

  home->stack.start("redis");
  // Back to caching once the client has reconnected.
  EXPECT_TRUE(eventually([&] {
    const double before = home->cache_counter("promotions", "hit");
    home->items("/promotions");
    home->items("/promotions");
    return home->cache_counter("promotions", "hit") > before;
  }));
  EXPECT_TRUE(listed("/promotions", str(during, "id")));
}

TEST(Home, AHungRedisCostsTheDeadlineNotTheRequest) {
  home->items("/promotions");
  const int redis = home->stack.pid("redis");
  ASSERT_GT(redis, 0);
  ASSERT_EQ(::kill(redis, SIGSTOP), 0);
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) {
    const auto r = home->gateway.call("GET", "/promotions");
    EXPECT_EQ(r.status, 200) << r.body;
  }
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ::kill(redis, SIGCONT);
  // 50 ms deadline once, then the cache is skipped for a second: far below
  // what five waits for Redis's 1 s command timeout would cost.
  EXPECT_LT(elapsed, 1500ms);
  EXPECT_TRUE(eventually([&] {
    const double before = home->cache_counter("promotions", "hit");
    home->items("/promotions");
    home->items("/promotions");
    return home->cache_counter("promotions", "hit") > before;
  }));
}

}  // namespace
}  // namespace uitgo::test::home
