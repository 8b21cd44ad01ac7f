#include "support/sqs.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace uitgo::test {

HttpResponse sqs_action(const TestStack& stack, const std::string& action, const boost::json::object& request) {
  const Headers headers = {{"Content-Type", "application/x-amz-json-1.0"}, {"X-Amz-Target", "AmazonSQS." + action}};
  return http_request(stack.sqs_port, "POST", "/", boost::json::serialize(request), headers);
}

std::string sqs_queue_name(const std::string& queue_url) { return queue_url.substr(queue_url.rfind('/') + 1); }

std::vector<SqsMessage> sqs_messages(const TestStack& stack, const std::string& queue) {
  const auto r = http_request(stack.sqs_port, "GET", "/_fauxqs/queues/" + queue);
  if (r.status != 200) throw std::runtime_error("inspecting SQS queue " + queue + ": " + r.body);
  const auto state = boost::json::parse(r.body).as_object().at("messages").as_object();
  std::vector<SqsMessage> out;
  for (const char* kind : {"ready", "delayed", "inflight"}) {
    for (const auto& entry : state.at(kind).as_array()) {
      // In-flight entries wrap the message with its receipt and deadline.
      const auto& o = entry.as_object();
      const auto& m = o.contains("message") ? o.at("message").as_object() : o;
      SqsMessage message;
      message.id = std::string(m.at("messageId").as_string());
      message.body = std::string(m.at("body").as_string());
      message.receive_count = static_cast<int>(m.at("approximateReceiveCount").to_number<std::int64_t>());
      message.state = kind;
      out.push_back(std::move(message));
    }
  }
  return out;
}

}  // namespace uitgo::test
