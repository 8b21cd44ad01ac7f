#include "peers/internal_trip.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "core/base/errors.hpp"

namespace uitgo::peers {
namespace {

InternalTrip sample() {
  InternalTrip t;
  t.id = "11111111-1111-4111-8111-111111111111";
  t.rider_id = "22222222-2222-4222-8222-222222222222";
  t.driver_id = "33333333-3333-4333-8333-333333333333";
  t.status = "requested";
  t.service_id = "car";
  t.origin_lat = 10.7725;
  t.origin_lng = 106.698;
  t.created_at = "2026-12-04T10:00:00.000Z";
  t.created_at_ms = 1796378400000;
  t.match_attempt = 2;
  t.age_ms = 1500;
  t.offer_age_ms = 300;
  t.offers.push_back({.driver_id = "44444444-4444-4444-8444-444444444444",
                      .attempt = 1,
                      .outcome = "declined",
                      .offered_at = "2026-12-04T10:00:00.500Z",
                      .resolved_at = "2026-12-04T10:00:01.000Z"});
  t.offers.push_back({.driver_id = *t.driver_id, .attempt = 2, .outcome = "pending", .offered_at = "x"});
  return t;
}

TEST(InternalTrip, WhatTheServerWritesTheClientReads) {
  const auto t = sample();
  const auto back = InternalTrip::from_json(boost::json::serialize(t.to_json()));
  EXPECT_EQ(back.id, t.id);
  EXPECT_EQ(back.driver_id, t.driver_id);
  EXPECT_EQ(back.status, "requested");
  EXPECT_DOUBLE_EQ(*back.origin_lat, 10.7725);
  EXPECT_FALSE(back.dest_lat.has_value());
  EXPECT_EQ(back.match_attempt, 2);
  EXPECT_EQ(back.age_ms, 1500);
  EXPECT_EQ(back.offer_age_ms, 300);
  ASSERT_EQ(back.offers.size(), 2U);
  EXPECT_EQ(back.offers[0].outcome, "declined");
  EXPECT_EQ(back.excluded_drivers().size(), 2U);
  EXPECT_FALSE(back.ended());
}

TEST(InternalTrip, OfferAnswersLeaveOutTheMatchingFields) {
  const auto o = sample().to_json(false);
  EXPECT_FALSE(o.contains("offers"));
  EXPECT_FALSE(o.contains("excludedDriverIds"));
  EXPECT_FALSE(o.contains("ageMs"));
  EXPECT_TRUE(o.contains("matchAttempt"));
}

TEST(InternalTrip, MalformedAnswersAreUnavailable) {
  EXPECT_THROW(InternalTrip::from_json("not json"), UnavailableError);
  EXPECT_THROW(InternalTrip::from_json("[]"), UnavailableError);
  EXPECT_THROW(InternalTrip::from_json(R"({"driverId":"x"})"), UnavailableError);
  EXPECT_THROW(InternalTrip::from_json(R"({"id":"t","status":"requested","offers":[{"attempt":1}]})"),
               UnavailableError);
}

}  // namespace
}  // namespace uitgo::peers
