// HOME_CACHE_ENABLED=false (the baseline load-test configuration): every read
// goes to Postgres, nothing is cached or counted.
#include <memory>

#include "home/home_support.hpp"
#include "support/eventually.hpp"
#include "support/shared_environment.hpp"

namespace uitgo::test::home {
namespace {

Home* home = nullptr;
const auto* const environment = share_per_binary(home, [] {
  return std::make_unique<Home>(Env{{"HOME_CACHE_ENABLED", "false"}});
});

TEST(HomeNoCache, EveryReadSeesPostgres) {
  const auto r = home->admin_call("POST", "/admin/promotions", json::object{{"title", "before"}, {"code", "NOCACHE"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto id = str(json::parse(r.body), "id");
  ASSERT_EQ(str(*find_item(home->items("/promotions"), id), "title"), "before");
  home->gateway.scalar("user_db", "UPDATE promotions SET title = 'after' WHERE id = '" + id + "'");
  EXPECT_EQ(str(*find_item(home->items("/promotions"), id), "title"), "after");
  home->items("/news");
  home->items("/news");
  for (const std::string key : {"promotions", "news"}) {
    for (const std::string result : {"hit", "miss", "error"}) {
      EXPECT_EQ(home->cache_counter(key, result), 0) << key << " " << result;
    }
  }
}

}  // namespace
}  // namespace uitgo::test::home
