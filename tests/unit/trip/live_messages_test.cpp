// WebSocket frames of live tracking (live_messages.hpp): what clients may
// send, and the exact shape of what they receive.
#include "trip/live/live_messages.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/base/time.hpp"

namespace uitgo::trip::live {
namespace {

std::string invalid_code(std::string_view text) {
  const auto message = parse_client_message(text);
  const auto* invalid = std::get_if<InvalidMessage>(&message);
  return invalid != nullptr ? invalid->code : "(valid)";
}

TEST(LiveMessages, ParsesPing) {
  EXPECT_TRUE(std::holds_alternative<PingMessage>(parse_client_message(R"({"type":"ping"})")));
}

TEST(LiveMessages, ParsesLocation) {
  const auto m = parse_client_message(R"({"type":"location","lat":10.77,"lng":106})");
  const auto* l = std::get_if<LocationMessage>(&m);
  ASSERT_NE(l, nullptr);
  EXPECT_DOUBLE_EQ(l->lat, 10.77);
  EXPECT_DOUBLE_EQ(l->lng, 106.0);
}

TEST(LiveMessages, RejectsBadCoordinates) {
  EXPECT_EQ(invalid_code(R"({"type":"location","lat":91,"lng":0})"), "validation_failed");
  EXPECT_EQ(invalid_code(R"({"type":"location","lat":0,"lng":-180.5})"), "validation_failed");
  EXPECT_EQ(invalid_code(R"({"type":"location","lat":"10","lng":0})"), "validation_failed");
  EXPECT_EQ(invalid_code(R"({"type":"location","lng":0})"), "validation_failed");
  EXPECT_EQ(invalid_code(R"({"type":"location","lat":null,"lng":0})"), "validation_failed");
  EXPECT_EQ(invalid_code(R"({"type":"location","lat":1e400,"lng":0})"), "validation_failed");  // infinity
  EXPECT_EQ(invalid_code(R"({"type":"location","lat":90,"lng":180})"), "(valid)");
}

TEST(LiveMessages, ParsesStatusWithOptionalReason) {
  const auto m = parse_client_message(R"({"type":"status","status":"cancelled","reason":"changed my mind"})");
  const auto* s = std::get_if<StatusMessage>(&m);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->status, Status::cancelled);
  EXPECT_EQ(s->reason, "changed my mind");
  EXPECT_EQ(invalid_code(R"({"type":"status","status":"flying"})"), "validation_failed");
  EXPECT_EQ(invalid_code(R"({"type":"status"})"), "validation_failed");
  EXPECT_EQ(invalid_code(R"({"type":"status","status":"arriving","reason":7})"), "validation_failed");
  EXPECT_EQ(invalid_code(R"({"type":"status","status":"cancelled","reason":"a\u0000b"})"), "validation_failed");
}

TEST(LiveMessages, MalformedFramesAreErrorsNotExceptions) {
  EXPECT_EQ(invalid_code("not json"), "bad_message");
  EXPECT_EQ(invalid_code(""), "bad_message");
  EXPECT_EQ(invalid_code("[1,2]"), "bad_message");
  EXPECT_EQ(invalid_code(R"({"lat":1})"), "bad_message");
  EXPECT_EQ(invalid_code(R"({"type":5})"), "bad_message");
  EXPECT_EQ(invalid_code(R"({"type":"teleport"})"), "unknown_type");
}

TEST(LiveMessages, FormatsTimestampsAsRfc3339Utc) {
  EXPECT_EQ(uitgo::format_rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(uitgo::format_rfc3339_ms(1'795'521'600'123), "2026-11-24T12:00:00.123Z");
}

TEST(LiveMessages, StatusFrameShape) {
  Trip trip;
  trip.id = "t-1";
  trip.status = Status::accepted;
  trip.driver_id = "d-1";
  const auto v = boost::json::parse(status_frame(trip, 0)).as_object();
  EXPECT_EQ(v.at("type"), "status");
  EXPECT_EQ(v.at("tripId"), "t-1");
  EXPECT_EQ(v.at("status"), "accepted");
  EXPECT_EQ(v.at("driverId"), "d-1");
  EXPECT_EQ(v.at("timestamp"), "1970-01-01T00:00:00.000Z");
  trip.driver_id.reset();
  EXPECT_FALSE(boost::json::parse(status_frame(trip, 0)).as_object().contains("driverId"));
}

TEST(LiveMessages, LocationFrameShapeAndDroppability) {
  const auto text = location_frame("t-1", 10.5, 106.25, 1000, 2000);
  const auto v = boost::json::parse(text).as_object();
  EXPECT_EQ(v.at("type"), "location");
  EXPECT_EQ(v.at("tripId"), "t-1");
  EXPECT_EQ(v.at("location").at("lat").as_double(), 10.5);
  EXPECT_EQ(v.at("location").at("lng").as_double(), 106.25);
  EXPECT_EQ(v.at("location").at("timestamp"), "1970-01-01T00:00:01.000Z");
  EXPECT_EQ(v.at("timestamp"), "1970-01-01T00:00:02.000Z");
  EXPECT_TRUE(is_location_frame(text));
  Trip trip;
  EXPECT_FALSE(is_location_frame(status_frame(trip, 0)));
}

TEST(LiveMessages, StatusFramesTellWhetherTheDriverKeepsTheTrip) {
  Trip trip;
  trip.driver_id = "d-1";
  EXPECT_TRUE(frame_keeps_driver(status_frame(trip, 0), "d-1"));
  EXPECT_FALSE(frame_keeps_driver(status_frame(trip, 0), "d-2"));
  trip.driver_id.reset();
  EXPECT_FALSE(frame_keeps_driver(status_frame(trip, 0), "d-1"));
  EXPECT_TRUE(frame_keeps_driver(location_frame("t", 1, 2, 0, 0), "d-1"));
}

TEST(LiveMessages, ErrorAndPongFrames) {
  const auto e = boost::json::parse(error_frame("forbidden", "no")).as_object();
  EXPECT_EQ(e.at("type"), "error");
  EXPECT_EQ(e.at("code"), "forbidden");
  EXPECT_EQ(e.at("error"), "no");
  EXPECT_EQ(boost::json::parse(pong_frame(0)).at("type"), "pong");
  EXPECT_EQ(channel_of("abc"), "trip:abc:events");
}

}  // namespace
}  // namespace uitgo::trip::live
