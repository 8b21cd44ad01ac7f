// The wallet's ledger rules and wire shapes: business keys, the balance rule,
// the driver's share, top-up bounds, the types each app reads, paging.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "core/base/errors.hpp"
#include "peers/wallet_contract.hpp"
#include "user/wallet/ledger.hpp"
#include "user/wallet/payloads.hpp"

using namespace uitgo;
using namespace uitgo::user::wallet;

TEST(WalletLedger, BusinessKeysNameTheEvent) {
  EXPECT_EQ(fare_key("t1"), "fare:t1");
  EXPECT_EQ(earning_key("t1"), "earning:t1");
  EXPECT_EQ(topup_key("u1", "k1"), "topup:u1:k1");
  EXPECT_NE(topup_key("u1", "k1"), topup_key("u2", "k1")) << "one user's key never replays another's top-up";
  for (const auto k : {Kind::topup, Kind::fare, Kind::earning, Kind::reward, Kind::refund, Kind::adjustment}) {
    EXPECT_EQ(parse_kind(to_string(k)), k);
  }
  EXPECT_FALSE(parse_kind("payout"));
}

TEST(WalletLedger, NeverNegativeExceptForFares) {
  EXPECT_TRUE(may_post(Kind::topup, 0, 10'000));
  EXPECT_TRUE(may_post(Kind::adjustment, 5'000, -5'000));
  EXPECT_FALSE(may_post(Kind::adjustment, 5'000, -5'001));
  EXPECT_FALSE(may_post(Kind::refund, 0, -1));
  EXPECT_TRUE(may_post(Kind::fare, 0, -50'000)) << "the ride happened: its fare is always recorded";
  EXPECT_TRUE(may_post(Kind::fare, -10'000, -50'000));
}

TEST(WalletLedger, TheDriversShare) {
  EXPECT_EQ(driver_earning(50'000, 80), 40'000);
  EXPECT_EQ(driver_earning(12'345, 80), 9'876) << "rounded down: the rider never pays less than the driver earns";
  EXPECT_EQ(driver_earning(50'000, 100), 50'000);
  EXPECT_EQ(driver_earning(50'000, 0), 0);
  EXPECT_EQ(driver_earning(0, 80), 0);
}

TEST(WalletLedger, TopupBounds) {
  const TopupBounds bounds{.min = 10'000, .max = 5'000'000};
  EXPECT_NO_THROW(check_topup_amount(10'000, bounds));
  EXPECT_NO_THROW(check_topup_amount(5'000'000, bounds));
  for (const std::int64_t bad : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{9'999}, std::int64_t{5'000'001}}) {
    try {
      check_topup_amount(bad, bounds);
      ADD_FAILURE() << bad << " accepted";
    } catch (const DomainError& e) {
      EXPECT_EQ(e.field(), "amount");
      EXPECT_EQ(e.code(), "validation_failed");
    }
  }
}

TEST(WalletLedger, TypesPerApp) {
  const Entry topup{.kind = Kind::topup, .amount = 50'000};
  const Entry reward{.kind = Kind::reward, .amount = 1'000};
  const Entry fare{.kind = Kind::fare, .amount = -42'000, .trip_id = "t1"};
  const Entry earning{.kind = Kind::earning, .amount = 33'600, .trip_id = "t1"};
  const Entry refund{.kind = Kind::refund, .amount = 42'000};
  EXPECT_EQ(rider_type(topup), "topup");
  EXPECT_EQ(rider_type(reward), "reward");
  EXPECT_EQ(rider_type(fare), "deduction");
  EXPECT_EQ(rider_type(refund), "topup") << "a credit must not read as a deduction";
  EXPECT_EQ(driver_type(earning), "income");
  EXPECT_EQ(driver_type(fare), "payout");
  EXPECT_EQ(describe(earning), "Chuyến t1");

  const auto rider = transaction_json(fare, Audience::rider);
  EXPECT_EQ(rider.at("type").as_string(), "deduction");
  EXPECT_EQ(rider.at("amount").as_int64(), 42'000) << "positive magnitude";
  const auto driver = transaction_json(earning, Audience::driver);
  EXPECT_EQ(driver.at("type").as_string(), "income");
  EXPECT_EQ(driver.at("reference").as_string(), "t1");
  EXPECT_EQ(driver.at("currency").as_string(), "VND");
  EXPECT_EQ(driver.at("status").as_string(), "completed");
  EXPECT_EQ(audience_of("driver"), Audience::driver);
  EXPECT_EQ(audience_of("admin"), Audience::rider);
}

TEST(WalletLedger, WeekdayLabels) {
  EXPECT_EQ(weekday_label(1), "T2");
  EXPECT_EQ(weekday_label(6), "T7");
  EXPECT_EQ(weekday_label(7), "CN");
  EXPECT_EQ(weekday_label(0), "");
}

TEST(WalletPayloads, Shapes) {
  const auto w = wallet_json({.balance = 150'000, .reward_points = 20, .updated_at = "2030-01-01T00:00:00.000Z"});
  EXPECT_EQ(w.at("balance").as_int64(), 150'000);
  EXPECT_EQ(w.at("rewardPoints").as_int64(), 20);
  EXPECT_EQ(w.at("currency").as_string(), "VND");
  Summary s{.balance = 1, .weekly_revenue = 2, .monthly_revenue = 3};
  s.recent.push_back({.label = "T2", .amount = 4});
  const auto j = summary_json(s);
  EXPECT_EQ(j.at("weeklyRevenue").as_int64(), 2);
  EXPECT_EQ(j.at("recentEarnings").as_array().at(0).at("label").as_string(), "T2");
}

TEST(WalletPayloads, TopupBodyAndPaging) {
  EXPECT_EQ(parse_topup(R"({"amount":50000})").amount, 50'000);
  EXPECT_THROW(parse_topup(R"({})"), DomainError);
  EXPECT_THROW(parse_topup(R"({"amount":"50000"})"), DomainError);
  EXPECT_THROW(parse_topup(R"({"amount":1.5})"), DomainError);
  const auto d = parse_page(std::nullopt, std::nullopt);
  EXPECT_EQ(d.limit, 20);
  EXPECT_EQ(d.offset, 0);
  EXPECT_EQ(parse_page("500", "20").limit, 100);
  EXPECT_EQ(parse_page("5", "20").offset, 20);
  EXPECT_THROW(parse_page("0", std::nullopt), DomainError);
  EXPECT_THROW(parse_page("x", std::nullopt), DomainError);
  EXPECT_THROW(parse_page(std::nullopt, "-1"), DomainError);
  EXPECT_EQ(parse_idempotency_key("abc-1"), "abc-1");
  EXPECT_THROW(parse_idempotency_key("has space"), DomainError);
}

TEST(WalletContract, SettlementRoundTrip) {
  const peers::TripSettlement s{.trip_id = "0b7e4a8e-7a8a-4c1e-9d7e-2f8f1f4a6b01",
                                .rider_id = "1b7e4a8e-7a8a-4c1e-9d7e-2f8f1f4a6b01",
                                .driver_id = "2b7e4a8e-7a8a-4c1e-9d7e-2f8f1f4a6b01",
                                .fare = 42'000};
  const auto back = peers::TripSettlement::from_json(boost::json::serialize(s.to_json()));
  EXPECT_EQ(back.trip_id, s.trip_id);
  EXPECT_EQ(back.driver_id, s.driver_id);
  EXPECT_EQ(back.fare, 42'000);
  EXPECT_THROW(peers::TripSettlement::from_json(R"({"tripId":"x","riderId":"y","driverId":"z","fare":1})"),
               DomainError);
  const peers::SettlementResult r{.trip_id = s.trip_id, .fare = 42'000, .earning = 33'600, .applied = true};
  const auto parsed = peers::SettlementResult::from_json(boost::json::serialize(r.to_json()));
  EXPECT_EQ(parsed.earning, 33'600);
  EXPECT_TRUE(parsed.applied);
}
