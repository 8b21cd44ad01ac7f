#include "queue/sqs/sqs_queue.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <charconv>
#include <exception>
#include <iterator>
#include <set>

#include "core/base/async.hpp"
#include "core/base/errors.hpp"
#include "core/base/log.hpp"
#include "core/base/time.hpp"

namespace uitgo::queue::sqs {
namespace {

namespace bj = boost::json;

constexpr int kMaxBatch = 10;                 // SQS's ReceiveMessage limit
constexpr int kMaxWaitSeconds = 20;           // SQS's long-poll limit
constexpr Millis kMaxVisibility{43'200'000};  // 12 hours
constexpr int kMaxDelaySeconds = 900;         // SendMessage DelaySeconds limit
constexpr int kReplayVisibilitySeconds = 30;

std::int64_t to_int(std::string_view text, std::int64_t fallback) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && ptr == text.data() + text.size() ? v : fallback;
}

std::string text_of(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// A system attribute (Attributes) or a message attribute's StringValue.
std::string attribute(const bj::object& m, std::string_view name) {
  if (const auto* a = m.if_contains("Attributes"); a != nullptr && a->is_object()) {
    if (auto v = text_of(a->get_object(), name); !v.empty()) return v;
  }
  if (const auto* a = m.if_contains("MessageAttributes"); a != nullptr && a->is_object()) {
    if (const auto* v = a->get_object().if_contains(name); v != nullptr && v->is_object()) {
      return text_of(v->get_object(), "StringValue");
    }
  }
  return {};
}

bj::object number_attribute(std::int64_t value) {
  return {{"DataType", "Number"}, {"StringValue", std::to_string(value)}};
}

bj::object string_attribute(const std::string& value) { return {{"DataType", "String"}, {"StringValue", value}}; }

bool stale_receipt(const SqsError& e) {
  return e.type() == "ReceiptHandleIsInvalid" || e.type() == "MessageNotInflight" ||
         (e.type() == "InvalidParameterValue" && std::string(e.what()).find("eceipt") != std::string::npos);
}

}  // namespace

namespace detail {

Message to_message(const bj::object& m) {
  Message out;
  out.id = text_of(m, "MessageId");
  out.receipt = text_of(m, "ReceiptHandle");
  out.body = text_of(m, "Body");
  const auto received = to_int(attribute(m, "ApproximateReceiveCount"), 1);
  out.deliveries = static_cast<int>(to_int(attribute(m, "prior"), 0) + received);
  const auto sent_at = to_int(attribute(m, "sentAt"), -1);
  out.sent_at_ms = sent_at >= 0 ? sent_at : to_int(attribute(m, "SentTimestamp"), 0);
  return out;
}

DeadLetter to_dead_letter(const bj::object& m) {
  DeadLetter d;
  d.id = text_of(m, "MessageId");
  d.body = text_of(m, "Body");
  d.sent_at_ms = to_int(attribute(m, "sentAt"), to_int(attribute(m, "SentTimestamp"), 0));
  d.dead_at_ms = to_int(attribute(m, "deadAt"), to_int(attribute(m, "SentTimestamp"), 0));
  d.deliveries =
      static_cast<int>(to_int(attribute(m, "deliveries"), to_int(attribute(m, "ApproximateReceiveCount"), 0)));
  d.reason = attribute(m, "reason");
  if (d.reason.empty()) d.reason = "max_receive_count";  // moved by the queue's redrive policy
  d.origin = attribute(m, "origin");
  if (d.origin.empty()) d.origin = d.id;  // the redrive policy moves a message with its MessageId
  return d;
}

int visibility_seconds(Millis delay) {
  if (delay.count() <= 0) return 0;
  return static_cast<int>(std::min<std::int64_t>((delay.count() + 999) / 1000, kMaxVisibility.count() / 1000));
}

}  // namespace detail

SqsQueue::SqsQueue(std::shared_ptr<SqsClient> client, SqsQueueOptions options)
    : client_(std::move(client)), options_(std::move(options)) {
  if (options_.queue_url.empty()) throw std::invalid_argument("SQS queue URL is empty");
}

void SqsQueue::count_dead(const std::string& reason) {
  if (options_.metrics == nullptr) return;
  options_.metrics
      ->counter("match_queue_dead_lettered_total", "messages moved to the dead-letter queue", {{"reason", reason}})
      .inc();
}

const std::string& SqsQueue::require_dlq() const {
  if (options_.dlq_url.empty()) throw UnavailableError("SQS_DLQ_URL is not set: no dead-letter queue to use");
  return options_.dlq_url;
}

awaitable<std::string> SqsQueue::send(const std::string& queue_url, const std::string& body, std::int64_t sent_at_ms,
                                      int prior, int delay_seconds) {
  bj::object attributes{{"sentAt", number_attribute(sent_at_ms)}};
  if (prior > 0) attributes["prior"] = number_attribute(prior);
  bj::object request{{"QueueUrl", queue_url}, {"MessageBody", body}, {"MessageAttributes", std::move(attributes)}};
  if (delay_seconds > 0) request["DelaySeconds"] = delay_seconds;
  const auto answer = co_await client_->call("SendMessage", request);
  co_return text_of(answer, "MessageId");
}

awaitable<void> SqsQueue::remove(const std::string& queue_url, const std::string& receipt) {
  const bj::object request{{"QueueUrl", queue_url}, {"ReceiptHandle", receipt}};
  co_await client_->call("DeleteMessage", request);
}

awaitable<std::string> SqsQueue::publish(std::string body) {
  co_return co_await send(options_.queue_url, body, now_ms(), 0);
}

awaitable<std::vector<std::string>> SqsQueue::publish_batch(std::vector<std::string> bodies) {
  constexpr std::size_t kMaxBatchBytes = std::size_t{256} * 1024;  // SQS's limit for the sum of one request's messages
  std::vector<std::string> ids(bodies.size());
  const auto sent_at = now_ms();
  std::size_t next = 0;
  while (next < bodies.size()) {
    // The next request: up to ten bodies within the size limit (at least one;
    // SQS answers for an oversized one on its own).
    const std::size_t first = next;
    std::size_t bytes = 0;
    bj::array entries;
    while (next < bodies.size() && entries.size() < static_cast<std::size_t>(kMaxBatch) &&
           (entries.empty() || bytes + bodies[next].size() + 64 <= kMaxBatchBytes)) {
      bytes += bodies[next].size() + 64;  // room for the attributes
      const bj::object attributes{{"sentAt", number_attribute(sent_at)}};
      entries.push_back(bj::object{
          {"Id", std::to_string(next - first)}, {"MessageBody", bodies[next]}, {"MessageAttributes", attributes}});
      ++next;
    }
    const bj::object request{{"QueueUrl", options_.queue_url}, {"Entries", std::move(entries)}};
    std::exception_ptr failure;
    bj::object answer;
    try {
      answer = co_await client_->call("SendMessageBatch", request);
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      if (first == 0) std::rethrow_exception(failure);
      co_return ids;  // what was sent before stays sent; the rest is not
    }
    if (const auto* ok = answer.if_contains("Successful"); ok != nullptr && ok->is_array()) {
      for (const auto& entry : ok->get_array()) {
        if (!entry.is_object()) continue;
        const auto index = to_int(text_of(entry.get_object(), "Id"), -1);
        if (index >= 0 && first + static_cast<std::size_t>(index) < next) {
          ids[first + static_cast<std::size_t>(index)] = text_of(entry.get_object(), "MessageId");
        }
      }
    }
    if (const auto* failed = answer.if_contains("Failed"); failed != nullptr && failed->is_array()) {
      for (const auto& entry : failed->get_array()) {
        if (!entry.is_object()) continue;
        log::warn("sqs: a batch entry was not sent",
                  {{"code", text_of(entry.get_object(), "Code")}, {"message", text_of(entry.get_object(), "Message")}});
      }
    }
  }
  co_return ids;
}

awaitable<bj::array> SqsQueue::receive_raw(const std::string& queue_url, int max, int wait_seconds,
                                           int visibility_seconds) {
  const bj::array all{"All"};
  const bj::object request{{"QueueUrl", queue_url},
                           {"MaxNumberOfMessages", std::clamp(max, 1, kMaxBatch)},
                           {"WaitTimeSeconds", std::clamp(wait_seconds, 0, kMaxWaitSeconds)},
                           {"VisibilityTimeout", visibility_seconds},
                           {"AttributeNames", all},
                           {"MessageSystemAttributeNames", all},
                           {"MessageAttributeNames", all}};
  auto answer = co_await client_->call("ReceiveMessage", request, Millis(wait_seconds * 1000));
  auto* messages = answer.if_contains("Messages");
  if (messages == nullptr || !messages->is_array()) co_return bj::array{};
  co_return std::move(messages->as_array());
}

awaitable<std::vector<Message>> SqsQueue::receive(std::size_t max, Millis wait) {
  // Whole seconds, rounded down: never longer than asked (under a second:
  // no long poll, an answer at once).
  const int wait_seconds = static_cast<int>(std::clamp<std::int64_t>(wait.count() / 1000, 0, kMaxWaitSeconds));
  const auto raw = co_await receive_raw(options_.queue_url, static_cast<int>(std::min<std::size_t>(max, kMaxBatch)),
                                        wait_seconds, detail::visibility_seconds(options_.visibility_timeout));
  std::vector<Message> out;
  for (const auto& value : raw) {
    if (!value.is_object()) continue;
    auto message = detail::to_message(value.get_object());
    if (message.deliveries > options_.max_deliveries) {
      // This receive is no delivery: the DLQ records the ones it had.
      message.deliveries -= 1;
      const std::string reason = "max_deliveries";  // named: no temporary inside co_await (GCC 12)
      co_await dead_letter(message, reason);
      continue;
    }
    if (message.deliveries > 1 && options_.metrics != nullptr) {
      options_.metrics->counter("match_queue_redelivered_total", "messages delivered again").inc();
    }
    out.push_back(std::move(message));
  }
  co_return out;
}

awaitable<void> SqsQueue::ack(const Message& message) {
  try {
    co_await remove(options_.queue_url, message.receipt);
  } catch (const SqsError& e) {
    if (!stale_receipt(e)) throw;
    log::debug("sqs ack of an expired receipt ignored", {{"id", message.id}});
  }
}

awaitable<void> SqsQueue::retry_later(const Message& message, Millis delay) {
  if (message.deliveries >= options_.max_deliveries) {
    const std::string reason = "max_deliveries";
    co_await dead_letter(message, reason);
    co_return;
  }
  if (delay > kMaxVisibility) {
    // Beyond what a visibility change allows: a fresh copy comes back later.
    co_await send(options_.queue_url, message.body, message.sent_at_ms, message.deliveries, kMaxDelaySeconds);
    co_await ack(message);
    co_return;
  }
  const bj::object request{{"QueueUrl", options_.queue_url},
                           {"ReceiptHandle", message.receipt},
                           {"VisibilityTimeout", detail::visibility_seconds(delay)}};
  try {
    co_await client_->call("ChangeMessageVisibility", request);
  } catch (const SqsError& e) {
    if (!stale_receipt(e)) throw;  // another consumer owns it now
  }
}

std::string SqsQueue::wake_token(const Message& message) const { return message.receipt; }

awaitable<bool> SqsQueue::wake(std::string token) {
  const bj::object request{
      {"QueueUrl", options_.queue_url}, {"ReceiptHandle", std::move(token)}, {"VisibilityTimeout", 0}};
  try {
    co_await client_->call("ChangeMessageVisibility", request);
  } catch (const SqsError& e) {
    if (!stale_receipt(e)) throw;
    co_return false;  // deleted, or received again under a new receipt
  }
  co_return true;
}

awaitable<void> SqsQueue::settle_many(std::vector<Settlement> settlements) {
  struct Request {
    const char* action;
    bj::array entries;
  };
  // Each entry joins the last request of its action, or starts one when that holds ten.
  std::vector<Request> deletes;
  std::vector<Request> changes;
  const auto add = [](std::vector<Request>& requests, const char* action, bj::object entry) {
    if (requests.empty() || requests.back().entries.size() == static_cast<std::size_t>(kMaxBatch)) {
      requests.push_back({action, {}});
    }
    entry["Id"] = std::to_string(requests.back().entries.size());
    requests.back().entries.push_back(std::move(entry));
  };
  std::vector<const Settlement*> one_by_one;  // retries that dead-letter or re-publish
  for (const auto& s : settlements) {
    const auto& m = *s.message;
    if (s.kind == Settlement::Kind::ack) {
      add(deletes, "DeleteMessageBatch", {{"ReceiptHandle", m.receipt}});
    } else if (m.deliveries >= options_.max_deliveries || s.delay > kMaxVisibility) {
      one_by_one.push_back(&s);
    } else {
      add(changes, "ChangeMessageVisibilityBatch",
          {{"ReceiptHandle", m.receipt}, {"VisibilityTimeout", detail::visibility_seconds(s.delay)}});
    }
  }
  auto requests = std::move(deletes);
  requests.insert(requests.end(), std::make_move_iterator(changes.begin()), std::make_move_iterator(changes.end()));
  co_await concurrently(requests.size() + one_by_one.size(), [&](std::size_t i) -> awaitable<void> {
    if (i < requests.size()) return settle_request(requests[i].action, std::move(requests[i].entries));
    const auto& s = *one_by_one[i - requests.size()];
    return retry_later(*s.message, s.delay);
  });
}

awaitable<void> SqsQueue::settle_request(const char* action, bj::array entries) {
  const bj::object request{{"QueueUrl", options_.queue_url}, {"Entries", std::move(entries)}};
  const auto answer = co_await client_->call(action, request);
  const auto* failed = answer.if_contains("Failed");
  if (failed == nullptr || !failed->is_array()) co_return;
  for (const auto& entry : failed->get_array()) {
    if (!entry.is_object()) continue;
    const SqsError error(0, text_of(entry.get_object(), "Code"), text_of(entry.get_object(), "Message"));
    if (!stale_receipt(error)) throw error;
    log::debug("sqs: settling an expired receipt ignored", {{"action", action}});
  }
}

awaitable<void> SqsQueue::dead_letter(const Message& message, std::string reason) {
  const auto& dlq = require_dlq();
  bj::object attributes{{"sentAt", number_attribute(message.sent_at_ms)},
                        {"deadAt", number_attribute(now_ms())},
                        {"deliveries", number_attribute(message.deliveries)},
                        {"reason", string_attribute(reason)},
                        {"origin", string_attribute(message.id)}};
  const bj::object request{
      {"QueueUrl", dlq}, {"MessageBody", message.body}, {"MessageAttributes", std::move(attributes)}};
  co_await client_->call("SendMessage", request);
  co_await ack(message);
  count_dead(reason);
}

awaitable<bj::object> SqsQueue::counts(const std::string& queue_url) {
  const bj::array wanted{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                         "ApproximateNumberOfMessagesDelayed"};
  const bj::object request{{"QueueUrl", queue_url}, {"AttributeNames", wanted}};
  auto answer = co_await client_->call("GetQueueAttributes", request);
  auto* a = answer.if_contains("Attributes");
  if (a == nullptr || !a->is_object()) co_return bj::object{};
  co_return std::move(a->as_object());
}

awaitable<QueueStats> SqsQueue::stats() {
  QueueStats s;
  const auto main = co_await counts(options_.queue_url);
  const auto visible = to_int(text_of(main, "ApproximateNumberOfMessages"), 0);
  s.in_flight = to_int(text_of(main, "ApproximateNumberOfMessagesNotVisible"), 0);
  s.delayed = to_int(text_of(main, "ApproximateNumberOfMessagesDelayed"), 0);
  s.depth = visible + s.in_flight + s.delayed;
  if (!options_.dlq_url.empty()) {
    const auto dead = co_await counts(options_.dlq_url);
    s.dead_letter_depth = to_int(text_of(dead, "ApproximateNumberOfMessages"), 0) +
                          to_int(text_of(dead, "ApproximateNumberOfMessagesNotVisible"), 0) +
                          to_int(text_of(dead, "ApproximateNumberOfMessagesDelayed"), 0);
  }
  co_return s;
}

awaitable<std::vector<DeadLetter>> SqsQueue::dead_letters(std::size_t max) {
  const auto& dlq = require_dlq();
  std::vector<DeadLetter> out;
  std::set<std::string> seen;
  // Visibility 0: looking leaves every message where it was, so batches may
  // repeat messages; stop when one brings nothing new.
  while (out.size() < max) {
    const auto raw = co_await receive_raw(dlq, kMaxBatch, 0, 0);
    std::size_t fresh = 0;
    for (const auto& value : raw) {
      if (!value.is_object() || out.size() >= max) continue;
      auto letter = detail::to_dead_letter(value.get_object());
      if (!seen.insert(letter.id).second) continue;
      out.push_back(std::move(letter));
      ++fresh;
    }
    if (fresh == 0) break;
  }
  std::sort(out.begin(), out.end(),
            [](const DeadLetter& a, const DeadLetter& b) { return a.dead_at_ms < b.dead_at_ms; });
  co_return out;
}

// Receives dead letters batch after batch (each hidden for a while, so the
// next batch brings others), replays those that match (`only_id` empty: all)
// and then makes the others visible again.
awaitable<std::size_t> SqsQueue::replay_matching(const std::string& only_id, std::string& replayed_as) {
  const auto& dlq = require_dlq();
  std::size_t replayed = 0;
  std::vector<std::string> hidden;
  bool done = false;
  while (!done) {
    const auto raw = co_await receive_raw(dlq, kMaxBatch, 0, kReplayVisibilitySeconds);
    if (raw.empty()) break;
    for (const auto& value : raw) {
      if (!value.is_object()) continue;
      const auto& m = value.get_object();
      const auto receipt = text_of(m, "ReceiptHandle");
      if (!only_id.empty() && text_of(m, "MessageId") != only_id) {
        hidden.push_back(receipt);
        continue;
      }
      const auto letter = detail::to_dead_letter(m);
      replayed_as = co_await send(options_.queue_url, letter.body, letter.sent_at_ms, 0);
      co_await remove(dlq, receipt);
      ++replayed;
      done = !only_id.empty();
    }
  }
  for (const auto& receipt : hidden) {
    const bj::object release{{"QueueUrl", dlq}, {"ReceiptHandle", receipt}, {"VisibilityTimeout", 0}};
    co_await client_->call("ChangeMessageVisibility", release);
  }
  co_return replayed;
}

awaitable<std::string> SqsQueue::replay(const std::string& id) {
  std::string replayed_as;
  co_await replay_matching(id, replayed_as);
  co_return replayed_as;
}

awaitable<std::size_t> SqsQueue::replay_all() {
  std::string last;
  const std::string all;
  co_return co_await replay_matching(all, last);
}

}  // namespace uitgo::queue::sqs
