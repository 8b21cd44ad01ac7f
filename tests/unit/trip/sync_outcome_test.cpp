#include <gtest/gtest.h>

#include "trip/outbox.hpp"
#include "trip/sync_match.hpp"
#include "trip/trips.hpp"

namespace uitgo::trip {
namespace {

TEST(SyncMatchAnswer, Outcomes) {
  const auto assigned = parse_sync_response(200, R"({"outcome":"assigned","driverId":"d-1"})");
  EXPECT_EQ(assigned.outcome, SyncOutcome::assigned);
  EXPECT_EQ(assigned.driver_id, "d-1");
  EXPECT_EQ(parse_sync_response(200, R"({"outcome":"no_driver"})").outcome, SyncOutcome::no_driver);
  EXPECT_EQ(parse_sync_response(200, R"({"outcome":"not_open","extra":1})").outcome, SyncOutcome::not_open);
}

TEST(SyncMatchAnswer, FailuresAreUnavailable) {
  EXPECT_THROW(parse_sync_response(500, R"({"outcome":"assigned","driverId":"d"})"), UnavailableError);
  EXPECT_THROW(parse_sync_response(404, "{}"), UnavailableError);
  EXPECT_THROW(parse_sync_response(200, "not json"), UnavailableError);
  EXPECT_THROW(parse_sync_response(200, R"({"outcome":"assigned"})"), UnavailableError);
  EXPECT_THROW(parse_sync_response(200, R"({"outcome":"maybe"})"), UnavailableError);
  EXPECT_THROW(parse_sync_response(200, R"({"status":"ok"})"), UnavailableError);
}

TEST(OutboxBackoff, DoublesUpToTheCap) {
  const Millis base{500};
  const Millis cap{30000};
  EXPECT_EQ(retry_backoff(1, base, cap), Millis(500));
  EXPECT_EQ(retry_backoff(2, base, cap), Millis(1000));
  EXPECT_EQ(retry_backoff(3, base, cap), Millis(2000));
  EXPECT_EQ(retry_backoff(7, base, cap), Millis(30000));
  EXPECT_EQ(retry_backoff(1000, base, cap), Millis(30000)) << "no overflow";
  EXPECT_EQ(retry_backoff(0, base, cap), Millis(500));
}

TEST(TripEventOfATrip, CarriesTheMatchAttempt) {
  Trip t;
  t.id = "t-1";
  t.rider_id = "r-1";
  t.service_id = "bike";
  t.origin_lat = 10.5;
  t.origin_lng = 106.5;
  t.created_at = "2026-01-01T00:00:00.000Z";
  t.created_at_ms = 1767225600000;
  t.match_attempt = 3;
  const auto e = trip_event(t);
  EXPECT_EQ(e.trip_id, "t-1");
  EXPECT_EQ(e.attempt, 3);
  const auto back = queue::TripEvent::from_json(e.to_json());
  EXPECT_EQ(back.rider_id, "r-1");
  EXPECT_EQ(back.created_at_ms, 1767225600000);
  EXPECT_DOUBLE_EQ(*back.origin_lng, 106.5);
}

}  // namespace
}  // namespace uitgo::trip
