#include "queue/trip_event.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace uitgo::queue {
namespace {

TEST(TripEvent, RoundTripAndWireNames) {
  TripEvent e;
  e.trip_id = "3b241101-e2bb-4255-8caf-4136c566a962";
  e.rider_id = "0f8fad5b-d9cb-469f-a165-70867728950e";
  e.origin_lat = 10.7725;
  e.origin_lng = 106.698;
  e.service_id = "car";
  e.created_at = "2026-01-31T10:00:00.123Z";
  e.created_at_ms = 1769853600123;
  e.attempt = 2;
  const auto text = e.to_json();
  const auto o = boost::json::parse(text).as_object();
  for (const char* key : {"tripId", "riderId", "originLat", "originLng", "serviceId", "createdAt", "attempt"}) {
    EXPECT_TRUE(o.contains(key)) << key;
  }
  const auto back = TripEvent::from_json(text);
  EXPECT_EQ(back.trip_id, e.trip_id);
  EXPECT_EQ(back.rider_id, e.rider_id);
  EXPECT_DOUBLE_EQ(*back.origin_lat, 10.7725);
  EXPECT_DOUBLE_EQ(*back.origin_lng, 106.698);
  EXPECT_EQ(back.service_id, "car");
  EXPECT_EQ(back.created_at, e.created_at);
  EXPECT_EQ(back.created_at_ms, e.created_at_ms);
  EXPECT_EQ(back.attempt, 2);
}

TEST(TripEvent, WithoutCoordinates) {
  TripEvent e;
  e.trip_id = "t";
  const auto back = TripEvent::from_json(e.to_json());
  EXPECT_FALSE(back.origin_lat);
  EXPECT_FALSE(back.origin_lng);
  EXPECT_TRUE(boost::json::parse(e.to_json()).as_object().at("originLat").is_null());
  // attempt defaults to 1 when an older producer leaves it out
  EXPECT_EQ(TripEvent::from_json(R"({"tripId":"t"})").attempt, 1);
}

TEST(TripEvent, PoisonIsRejected) {
  EXPECT_THROW(TripEvent::from_json("not json"), std::invalid_argument);
  EXPECT_THROW(TripEvent::from_json("[]"), std::invalid_argument);
  EXPECT_THROW(TripEvent::from_json(R"({"riderId":"r"})"), std::invalid_argument);
  EXPECT_THROW(TripEvent::from_json(R"({"tripId":""})"), std::invalid_argument);
  EXPECT_THROW(TripEvent::from_json(R"({"tripId":"t","originLat":1})"), std::invalid_argument);
  EXPECT_THROW(TripEvent::from_json(R"({"tripId":"t","originLat":"1","originLng":2})"), std::invalid_argument);
  EXPECT_THROW(TripEvent::from_json(R"({"tripId":"t","attempt":0})"), std::invalid_argument);
  EXPECT_THROW(TripEvent::from_json(R"({"tripId":"t","attempt":1.5})"), std::invalid_argument);
}

}  // namespace
}  // namespace uitgo::queue
