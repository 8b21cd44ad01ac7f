// Saved places, the wallet and notifications through the gateway, as the
// rider and driver apps call them.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "support/shared_environment.hpp"
#include "wallet/wallet_support.hpp"

namespace uitgo::test::wallet {
namespace {

Stack* h = nullptr;
// Top-ups unlimited here: one test makes 50 at once on one wallet (the limit is tested in notifications_test).
const auto* const environment = share_per_binary(h, [] {
  return std::make_unique<Stack>(Env{{"TOPUP_RATE_LIMIT_PER_MINUTE", "0"}});
});

json::object place_body(const std::string& name, double lat, double lng) {
  return {{"name", name}, {"address", "1 Lê Lợi, Quận 1"}, {"lat", lat}, {"lng", lng}};
}

TEST(SavedPlaces, CreateListDelete) {
  const auto rider = h->gateway.user("rider");
  const auto created = h->gateway.call("POST", "/saved_places", rider, place_body("Nhà", 10.7769, 106.7009));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto place = body_of(created);
  EXPECT_EQ(str(place, "name"), "Nhà");
  EXPECT_EQ(num(place, "lat"), 10.7769);
  EXPECT_EQ(num(place, "lng"), 106.7009);
  EXPECT_FALSE(str(place, "createdAt").empty());
  EXPECT_FALSE(str(place, "updatedAt").empty());

  const auto zero = h->gateway.call("POST", "/saved_places", rider, place_body("Null Island", 0, 0));
  ASSERT_EQ(zero.status, 201) << zero.body;

  const auto list = array_of(h->gateway.call("GET", "/saved_places", rider));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(str(list[0], "name"), "Null Island") << "newest first";

  const auto id = str(place, "id");
  EXPECT_EQ(h->gateway.call("DELETE", "/saved_places/" + id, rider).status, 204);
  EXPECT_EQ(h->gateway.call("DELETE", "/saved_places/" + id, rider).status, 404);
  EXPECT_EQ(array_of(h->gateway.call("GET", "/saved_places", rider)).size(), 1u);
}

TEST(SavedPlaces, OnlyOnesOwn) {
  const auto owner = h->gateway.user("rider");
  const auto other = h->gateway.user("rider");
  const auto created = h->gateway.call("POST", "/saved_places", owner, place_body("Work", 10.8, 106.6));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto id = str(body_of(created), "id");
  EXPECT_TRUE(array_of(h->gateway.call("GET", "/saved_places", other)).empty());
  const auto stolen = h->gateway.call("DELETE", "/saved_places/" + id, other);
  EXPECT_EQ(stolen.status, 404) << stolen.body;
  EXPECT_EQ(str(body_of(stolen), "code"), "not_found");
  EXPECT_EQ(h->gateway.call("DELETE", "/saved_places/not-a-uuid", other).status, 404);
  EXPECT_EQ(array_of(h->gateway.call("GET", "/saved_places", owner)).size(), 1u);
  EXPECT_EQ(h->gateway.call("GET", "/saved_places").status, 401);
}

TEST(SavedPlaces, ValidationNamesTheField) {
  const auto rider = h->gateway.user("rider");
  const auto bad = h->gateway.call("POST", "/saved_places", rider, place_body("Far", 91, 10));
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(str(body_of(bad), "field"), "lat");
  const auto unnamed = h->gateway.call("POST", "/saved_places", rider, R"({"lat":1,"lng":2})");
  EXPECT_EQ(unnamed.status, 400);
  EXPECT_EQ(str(body_of(unnamed), "field"), "name");
}

HttpResponse topup(const User& user, long long amount, const std::string& key = {}) {
  Headers headers;
  if (!key.empty()) headers.emplace_back("Idempotency-Key", key);
  return h->gateway.call("POST", "/v1/wallet/topup", user, json::object{{"amount", amount}}, headers);
}

HttpResponse settle(const std::string& trip, const User& rider, const User& driver, long long fare) {
  const json::object body{{"tripId", trip}, {"riderId", rider.id}, {"driverId", driver.id}, {"fare", fare}};
  return h->user_service.internal("POST", "/internal/wallet/trip-settlements", body);
}

long long balance_of(const User& user) {
  const auto r = h->gateway.call("GET", "/v1/wallet", user);
  EXPECT_EQ(r.status, 200) << r.body;
  return static_cast<long long>(num(body_of(r), "balance"));
}

// Every wallet's balance equals the sum of its ledger rows.
void expect_ledger_agrees() {
  EXPECT_EQ(h->count("user_db",
                     "SELECT count(*) FROM wallets w WHERE w.balance <> coalesce((SELECT sum(amount) FROM "
                     "wallet_transactions t WHERE t.user_id = w.user_id), 0)"),
            0);
}

TEST(Wallet, ANewWalletIsEmpty) {
  const auto rider = h->gateway.user("rider");
  const auto r = h->gateway.call("GET", "/v1/wallet", rider);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto w = body_of(r);
  EXPECT_EQ(w.at("balance").as_int64(), 0);
  EXPECT_EQ(w.at("rewardPoints").as_int64(), 0);
  EXPECT_EQ(str(w, "currency"), "VND");
  EXPECT_FALSE(str(w, "updatedAt").empty());
  EXPECT_EQ(h->gateway.call("GET", "/v1/wallet").status, 401);
}

TEST(Wallet, TopupBoundsAndIdempotency) {
  const auto rider = h->gateway.user("rider");
  const auto first = topup(rider, 50'000);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(body_of(first).at("balance").as_int64(), 50'000);
  EXPECT_EQ(topup(rider, 50'000).status, 201) << "no key: a second top-up, as in the original";
  EXPECT_EQ(balance_of(rider), 100'000);

  const auto small = topup(rider, 9'999);
  EXPECT_EQ(small.status, 400);
  EXPECT_EQ(str(body_of(small), "field"), "amount");
  EXPECT_FALSE(str(body_of(small), "error").empty());
  EXPECT_EQ(topup(rider, 5'000'001).status, 400);
  EXPECT_EQ(topup(rider, -5).status, 400);
  EXPECT_EQ(h->gateway.call("POST", "/v1/wallet/topup", rider, R"({"amount":"x"})").status, 400);

  const auto keyed = topup(rider, 20'000, "tap-1");
  ASSERT_EQ(keyed.status, 201);
  const auto again = topup(rider, 20'000, "tap-1");
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(body_of(again).at("balance").as_int64(), 120'000) << "the replay adds nothing";
  EXPECT_EQ(topup(rider, 30'000, "tap-1").status, 422);
  EXPECT_EQ(balance_of(rider), 120'000);
  expect_ledger_agrees();
}

TEST(Wallet, TransactionsInEachAppsTypes) {
  const auto rider = h->gateway.user("rider");
  const auto driver = h->gateway.user("driver");
  ASSERT_EQ(topup(rider, 100'000).status, 201);
  const auto trip = new_uuid();
  const auto settled = settle(trip, rider, driver, 50'000);
  ASSERT_EQ(settled.status, 200) << settled.body;
  EXPECT_EQ(body_of(settled).at("applied").as_bool(), true);
  EXPECT_EQ(body_of(settled).at("earning").as_int64(), 40'000);

  const auto r = h->gateway.call("GET", "/v1/wallet/transactions?limit=20&offset=0", rider);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto page = body_of(r);
  EXPECT_EQ(page.at("total").as_int64(), 2);
  EXPECT_EQ(page.at("limit").as_int64(), 20);
  EXPECT_EQ(page.at("offset").as_int64(), 0);
  const auto& items = page.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(str(items[0], "type"), "deduction");
  EXPECT_EQ(items[0].at("amount").as_int64(), 50'000) << "positive magnitude";
  EXPECT_EQ(str(items[1], "type"), "topup");
  EXPECT_FALSE(str(items[0], "createdAt").empty());
  EXPECT_EQ(balance_of(rider), 50'000);

  const auto d = h->gateway.call("GET", "/v1/wallet/transactions?limit=20&offset=0", driver);
  const auto driver_items = body_of(d).at("items").as_array();
  ASSERT_EQ(driver_items.size(), 1u);
  EXPECT_EQ(str(driver_items[0], "type"), "income");
  EXPECT_EQ(str(driver_items[0], "reference"), trip);
  EXPECT_EQ(str(driver_items[0], "currency"), "VND");
  EXPECT_EQ(str(driver_items[0], "status"), "completed");

  const auto s = h->gateway.call("GET", "/v1/wallet/summary", driver);
  ASSERT_EQ(s.status, 200) << s.body;
  const auto summary = body_of(s);
  EXPECT_EQ(summary.at("balance").as_int64(), 40'000);
  EXPECT_EQ(summary.at("weeklyRevenue").as_int64(), 40'000);
  EXPECT_EQ(summary.at("monthlyRevenue").as_int64(), 40'000);
  const auto& days = summary.at("recentEarnings").as_array();
  ASSERT_EQ(days.size(), 7u);
  EXPECT_EQ(days[6].at("amount").as_int64(), 40'000) << "today is the last point";
  EXPECT_EQ(h->gateway.call("GET", "/v1/wallet/transactions?limit=abc", rider).status, 400);
}

TEST(Wallet, ASettlementRepeatedMovesNothing) {
  const auto rider = h->gateway.user("rider");
  const auto driver = h->gateway.user("driver");
  const auto trip = new_uuid();
  ASSERT_EQ(settle(trip, rider, driver, 30'000).status, 200);
  const auto again = settle(trip, rider, driver, 30'000);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(body_of(again).at("applied").as_bool(), false);
  EXPECT_EQ(balance_of(rider), -30'000) << "a fare is recorded even beyond the balance";
  EXPECT_EQ(balance_of(driver), 24'000);
  EXPECT_EQ(h->gateway.call("POST", "/internal/wallet/trip-settlements", rider, "{}").status, 404)
      << "never through the gateway";
  const auto internal = h->user_service.internal("GET", "/internal/wallets/" + rider.id);
  ASSERT_EQ(internal.status, 200);
  EXPECT_EQ(body_of(internal).at("balance").as_int64(), -30'000);
  expect_ledger_agrees();
}

// A 503 (every connection waiting for the same wallet's lock) is the
// overload answer with Retry-After: clients retry, and the keys make the
// retry safe.
template <typename F>
HttpResponse retrying(F call) {
  for (int attempt = 0;; ++attempt) {
    auto r = call();
    if (r.status != 503 || attempt == 30) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// 50 top-ups and 50 completed trips (every fifth settled twice) at once on one rider's wallet.
TEST(Wallet, ConcurrentPostingsAddUpExactly) {
  const auto rider = h->gateway.user("rider");
  const auto driver = h->gateway.user("driver");
  std::vector<std::string> trips;
  for (int i = 0; i < 50; ++i) trips.push_back(new_uuid());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      const auto& trip = trips[static_cast<std::size_t>(i)];
      if (retrying([&] { return topup(rider, 20'000, "c-" + std::to_string(i)); }).status != 201) ++failures;
      if (retrying([&] { return settle(trip, rider, driver, 10'000); }).status != 200) ++failures;
      if (i % 5 == 0 && retrying([&] { return settle(trip, rider, driver, 10'000); }).status != 200) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(balance_of(rider), 50 * 20'000 - 50 * 10'000);
  EXPECT_EQ(balance_of(driver), 50 * 8'000);
  EXPECT_EQ(h->count("user_db", "SELECT count(*) FROM wallet_transactions WHERE user_id = '" + rider.id + "'"), 100);
  expect_ledger_agrees();
}

}  // namespace
}  // namespace uitgo::test::wallet
