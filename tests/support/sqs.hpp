// Talking to a TestStack's SQS emulator directly (stacks with `.sqs = true`):
// an SQS action over the JSON protocol (the emulator checks no signature),
// and its non-destructive inspection of a queue's messages.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/test_stack.hpp"

namespace uitgo::test {

// POST / with X-Amz-Target: AmazonSQS.<action> and `request` as the body.
HttpResponse sqs_action(const TestStack& stack, const std::string& action, const boost::json::object& request);

// One message of a queue as the emulator holds it.
struct SqsMessage {
  std::string id;
  std::string body;
  int receive_count = 0;
  std::string state;  // ready, delayed or inflight
};

// Every message of the queue named `queue` (the last part of its URL): ready,
// delayed and in flight, without receiving them (nothing changes).
std::vector<SqsMessage> sqs_messages(const TestStack& stack, const std::string& queue);

// The name of a queue from its URL (".../000000000000/trip_match_queue" → "trip_match_queue").
std::string sqs_queue_name(const std::string& queue_url);

}  // namespace uitgo::test
