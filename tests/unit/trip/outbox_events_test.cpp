#include <gtest/gtest.h>

#include "trip/matching/match_events.hpp"
#include "trip/matching/outbox.hpp"

namespace uitgo::trip {
namespace {

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

TEST(ReleasePayload, RoundTripsAndRejectsOtherShapes) {
  const auto order = parse_release_payload(release_payload("d-1", "t-1"));
  ASSERT_TRUE(order.has_value());
  EXPECT_EQ(order->driver_id, "d-1");
  EXPECT_EQ(order->trip_id, "t-1");
  EXPECT_FALSE(parse_release_payload("not json").has_value());
  EXPECT_FALSE(parse_release_payload(R"({"driverId":"d-1"})").has_value());
  EXPECT_FALSE(parse_release_payload(R"({"driverId":1,"tripId":"t"})").has_value());
}

}  // namespace
}  // namespace uitgo::trip
