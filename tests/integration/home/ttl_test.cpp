// The home cache's TTL, on a stack started with HOME_CACHE_TTL_SECONDS=2:
// changes written straight into Postgres (bypassing the API, so nothing
// invalidates the cache) stay invisible until the cached body expires.
#include <chrono>
#include <memory>

#include "home/home_support.hpp"
#include "support/eventually.hpp"
#include "support/shared_environment.hpp"

namespace uitgo::test::home {
namespace {

using namespace std::chrono_literals;

Home* home = nullptr;
const auto* const environment = share_per_binary(home, [] {
  return std::make_unique<Home>(Env{{"HOME_CACHE_TTL_SECONDS", "2"}});
});

TEST(HomeTtl, PromotionsChangedBehindTheApiShowAfterTheTtl) {
  const auto r = home->admin_call("POST", "/admin/promotions", json::object{{"title", "before"}, {"code", "TTL"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto id = str(json::parse(r.body), "id");
  ASSERT_EQ(str(*find_item(home->items("/promotions"), id), "title"), "before");  // cached now

  const auto written = std::chrono::steady_clock::now();
  home->gateway.scalar("user_db", "UPDATE promotions SET title = 'after' WHERE id = '" + id + "'");
  EXPECT_EQ(str(*find_item(home->items("/promotions"), id), "title"), "before") << "served from the cache";
  EXPECT_TRUE(eventually([&] { return str(*find_item(home->items("/promotions"), id), "title") == "after"; }, 6000ms));
  EXPECT_LE(std::chrono::steady_clock::now() - written, 3500ms) << "fresh within the 2 s TTL";
}

TEST(HomeTtl, NewsInsertedBehindTheApiShowsAfterTheTtl) {
  const auto before = home->items("/news?limit=5");  // cached now
  const auto id = home->gateway.scalar(
      "user_db", "INSERT INTO news (title, body) VALUES ('direct', 'written in SQL') RETURNING id");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(home->items("/news?limit=5"), before) << "served from the cache";
  EXPECT_TRUE(eventually([&] { return find_item(home->items("/news?limit=5"), id).has_value(); }, 6000ms));
}

}  // namespace
}  // namespace uitgo::test::home
