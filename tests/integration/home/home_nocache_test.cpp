// HOME_CACHE_ENABLED=false (the baseline load-test configuration): every read
// goes to Postgres, nothing is cached or counted.
#include <memory>

#include "home_support.hpp"

using namespace uitgo::home_test;

namespace {

uitgo::test::TestStack* stack = nullptr;
std::unique_ptr<Home> home;

class NoCacheEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    owned_ = std::make_unique<uitgo::test::TestStack>(uitgo::test::StackOptions{
        .postgres = true, .redis = true, .services = true, .nginx = true, .env = {{"HOME_CACHE_ENABLED", "false"}}});
    stack = owned_.get();
    home = std::make_unique<Home>(*stack);
  }
  void TearDown() override {
    home.reset();
    stack = nullptr;
    owned_.reset();
  }

 private:
  std::unique_ptr<uitgo::test::TestStack> owned_;
};

const auto* const environment = ::testing::AddGlobalTestEnvironment(new NoCacheEnvironment);

}  // namespace

TEST(HomeNoCache, EveryReadSeesPostgres) {
  const auto r = home->admin_call("POST", "/admin/promotions", json::object{{"title", "before"}, {"code", "NOCACHE"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto id = str(json::parse(r.body), "id");
  ASSERT_EQ(str(*find_item(home->items("/promotions"), id), "title"), "before");
  home->sql("UPDATE promotions SET title = 'after' WHERE id = '" + id + "'");
  EXPECT_EQ(str(*find_item(home->items("/promotions"), id), "title"), "after");
  home->items("/news");
  home->items("/news");
  for (const std::string key : {"promotions", "news"}) {
    for (const std::string result : {"hit", "miss", "error"}) {
      EXPECT_EQ(home->cache_counter(key, result), 0) << key << " " << result;
    }
  }
}
