#include "peers/match_answer.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "core/base/errors.hpp"

namespace uitgo::peers {
namespace {

TEST(MatchAnswer, Outcomes) {
  const auto assigned = MatchAnswer::parse(200, R"({"outcome":"assigned","driverId":"d-1"})");
  EXPECT_EQ(assigned.outcome, MatchOutcome::assigned);
  EXPECT_EQ(assigned.driver_id, "d-1");
  EXPECT_EQ(MatchAnswer::parse(200, R"({"outcome":"no_driver"})").outcome, MatchOutcome::no_driver);
  EXPECT_EQ(MatchAnswer::parse(200, R"({"outcome":"not_open","extra":1})").outcome, MatchOutcome::not_open);
}

TEST(MatchAnswer, FailuresAreUnavailable) {
  EXPECT_THROW(MatchAnswer::parse(500, R"({"outcome":"assigned","driverId":"d"})"), UnavailableError);
  EXPECT_THROW(MatchAnswer::parse(404, "{}"), UnavailableError);
  EXPECT_THROW(MatchAnswer::parse(200, "not json"), UnavailableError);
  EXPECT_THROW(MatchAnswer::parse(200, R"({"outcome":"assigned"})"), UnavailableError);
  EXPECT_THROW(MatchAnswer::parse(200, R"({"outcome":"maybe"})"), UnavailableError);
  EXPECT_THROW(MatchAnswer::parse(200, R"({"status":"ok"})"), UnavailableError);
}

TEST(MatchAnswer, WhatTheServerWritesTheClientReads) {
  for (const auto& answer : {MatchAnswer{MatchOutcome::assigned, "d-7"}, MatchAnswer{MatchOutcome::no_driver, {}},
                             MatchAnswer{MatchOutcome::not_open, {}}}) {
    const auto back = MatchAnswer::parse(200, boost::json::serialize(answer.to_json()));
    EXPECT_EQ(back.outcome, answer.outcome);
    EXPECT_EQ(back.driver_id, answer.driver_id);
  }
}

}  // namespace
}  // namespace uitgo::peers
