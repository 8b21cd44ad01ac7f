// The SQS backend's pure parts: a received message as a Message, a
// dead-letter queue message as a DeadLetter, and visibility seconds from a
// delay. The JSON is shaped as SQS's JSON protocol answers ReceiveMessage.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "queue/sqs/sqs_queue.hpp"

namespace uitgo::queue::sqs {
namespace {

boost::json::object parse(std::string_view text) { return boost::json::parse(text).as_object(); }

TEST(SqsToMessage, FirstDeliveryWithOurAttributes) {
  const auto m = detail::to_message(parse(R"({
    "MessageId": "5fea7756-0ea4-451a-a703-a558b933e274",
    "ReceiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
    "MD5OfBody": "fafb00f5732ab283681e124bf8747ed1",
    "Body": "{\"tripId\":\"t-1\"}",
    "Attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1767225600123", "SenderId": "AIDA"},
    "MessageAttributes": {"sentAt": {"DataType": "Number", "StringValue": "1767225600000"}}
  })"));
  EXPECT_EQ(m.id, "5fea7756-0ea4-451a-a703-a558b933e274");
  EXPECT_EQ(m.receipt, "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a");
  EXPECT_EQ(m.body, R"({"tripId":"t-1"})");
  EXPECT_EQ(m.deliveries, 1);
  EXPECT_EQ(m.sent_at_ms, 1767225600000) << "the first publish time wins over SQS's SentTimestamp";
}

TEST(SqsToMessage, DeliveriesAddThoseBeforeARepublish) {
  const auto m = detail::to_message(parse(R"({
    "MessageId": "m", "ReceiptHandle": "r", "Body": "b",
    "Attributes": {"ApproximateReceiveCount": "2"},
    "MessageAttributes": {"prior": {"DataType": "Number", "StringValue": "3"},
                          "sentAt": {"DataType": "Number", "StringValue": "42"}}
  })"));
  EXPECT_EQ(m.deliveries, 5);
  EXPECT_EQ(m.sent_at_ms, 42);
}

TEST(SqsToMessage, ForeignMessagesFallBackToSqsAttributes) {
  // Sent by someone else (the console, a script): no attributes of ours.
  auto m = detail::to_message(parse(R"({"MessageId": "m", "ReceiptHandle": "r", "Body": "x",
                "Attributes": {"ApproximateReceiveCount": "4", "SentTimestamp": "1767225600123"}})"));
  EXPECT_EQ(m.deliveries, 4);
  EXPECT_EQ(m.sent_at_ms, 1767225600123);
  // Nothing at all, or garbage: one delivery, unknown send time.
  m = detail::to_message(parse(R"({"MessageId": "m", "ReceiptHandle": "r", "Body": "x",
                                   "Attributes": {"ApproximateReceiveCount": "many", "SentTimestamp": "-"}})"));
  EXPECT_EQ(m.deliveries, 1);
  EXPECT_EQ(m.sent_at_ms, 0);
  m = detail::to_message(parse(R"({"Body": 7})"));
  EXPECT_EQ(m.id, "");
  EXPECT_EQ(m.body, "");
  EXPECT_EQ(m.deliveries, 1);
}

TEST(SqsToDeadLetter, OneWeMovedCarriesItsStory) {
  const auto d = detail::to_dead_letter(parse(R"({
    "MessageId": "dlq-id", "ReceiptHandle": "r", "Body": "not json",
    "Attributes": {"ApproximateReceiveCount": "9", "SentTimestamp": "300"},
    "MessageAttributes": {
      "sentAt": {"DataType": "Number", "StringValue": "100"},
      "deadAt": {"DataType": "Number", "StringValue": "200"},
      "deliveries": {"DataType": "Number", "StringValue": "1"},
      "reason": {"DataType": "String", "StringValue": "unparseable"},
      "origin": {"DataType": "String", "StringValue": "main-id"}}
  })"));
  EXPECT_EQ(d.id, "dlq-id");
  EXPECT_EQ(d.body, "not json");
  EXPECT_EQ(d.sent_at_ms, 100);
  EXPECT_EQ(d.dead_at_ms, 200);
  EXPECT_EQ(d.deliveries, 1) << "our count, not the DLQ's receive count (listing receives too)";
  EXPECT_EQ(d.reason, "unparseable");
  EXPECT_EQ(d.origin, "main-id");
}

TEST(SqsToDeadLetter, OneTheRedrivePolicyMovedKeepsItsIdAndAttributes) {
  // SQS moves the message itself (same MessageId, its own attributes kept,
  // none of ours about dying): reason max_receive_count.
  const auto d = detail::to_dead_letter(parse(R"({
    "MessageId": "same-id", "ReceiptHandle": "r", "Body": "{}",
    "Attributes": {"ApproximateReceiveCount": "6", "SentTimestamp": "500"},
    "MessageAttributes": {"sentAt": {"DataType": "Number", "StringValue": "400"}}
  })"));
  EXPECT_EQ(d.reason, "max_receive_count");
  EXPECT_EQ(d.origin, "same-id");
  EXPECT_EQ(d.sent_at_ms, 400);
  EXPECT_EQ(d.dead_at_ms, 500) << "unknown: the send time stands in";
  EXPECT_EQ(d.deliveries, 6);
}

TEST(SqsVisibilitySeconds, RoundsUpAndStaysInSqsRange) {
  EXPECT_EQ(detail::visibility_seconds(Millis(-5)), 0);
  EXPECT_EQ(detail::visibility_seconds(Millis(0)), 0);
  EXPECT_EQ(detail::visibility_seconds(Millis(1)), 1);
  EXPECT_EQ(detail::visibility_seconds(Millis(999)), 1);
  EXPECT_EQ(detail::visibility_seconds(Millis(1000)), 1);
  EXPECT_EQ(detail::visibility_seconds(Millis(1001)), 2);
  EXPECT_EQ(detail::visibility_seconds(Millis(30000)), 30);
  EXPECT_EQ(detail::visibility_seconds(Millis(43'200'000)), 43200);
  EXPECT_EQ(detail::visibility_seconds(Millis(43'200'001)), 43200) << "SQS's limit is 12 hours";
}

TEST(SqsEndpoint, IsTheQueueUrlsSchemeAndHost) {
  EXPECT_EQ(endpoint_of("https://sqs.ap-southeast-1.amazonaws.com/123456789012/trip_match_queue"),
            "https://sqs.ap-southeast-1.amazonaws.com");
  EXPECT_EQ(endpoint_of("http://127.0.0.1:4566/000000000000/q"), "http://127.0.0.1:4566");
  EXPECT_EQ(endpoint_of("http://host"), "http://host");
  EXPECT_THROW(endpoint_of("sqs.us-east-1.amazonaws.com/1/q"), std::invalid_argument);
}

}  // namespace
}  // namespace uitgo::queue::sqs
