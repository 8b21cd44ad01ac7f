// The matching queue between trip-service (producer, via the outbox relay) and
// the matcher workers in driver-service (consumers). Semantics are SQS's, so
// the Redis Streams backend and a later SQS backend are interchangeable:
// at-least-once delivery, a visibility timeout after which an unacknowledged
// message is delivered again (to any consumer), a delivery count, and a
// dead-letter queue after MATCH_MAX_DELIVERIES. Consumers must be idempotent.
//
// One instance per consumer (worker): ack/retry_later/dead_letter take a
// Message received by the same instance, and receive() is not called
// concurrently on one instance. publish() and stats() may be called from
// anywhere at any time.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "core/base/async.hpp"

namespace uitgo::queue {

struct Message {
  std::string id;               // backend message id (stream entry id / SQS MessageId)
  std::string receipt;          // what ack/retry need (stream entry id / SQS ReceiptHandle)
  std::string body;             // the TripEvent JSON
  int deliveries = 1;           // 1 on first delivery; retry_later's re-deliveries count too
  std::int64_t sent_at_ms = 0;  // when publish() first sent it (Unix ms)
};

// What to do with one received message: ack() it, or retry_later() it after
// `delay` (settle_many).
struct Settlement {
  enum class Kind { ack, retry };
  const Message* message = nullptr;
  Kind kind = Kind::ack;
  Millis delay{0};  // retry only
};

struct QueueStats {
  std::int64_t depth = 0;          // waiting + in flight + delayed (retry_later)
  std::int64_t in_flight = 0;      // delivered, not yet acknowledged
  std::int64_t delayed = 0;        // waiting for a retry_later delay to pass
  std::int64_t oldest_age_ms = 0;  // age of the oldest message waiting or in flight (since publish)
  std::int64_t dead_letter_depth = 0;
};

// A message that gave up: where it came from and why.
struct DeadLetter {
  std::string id;  // its id in the dead-letter queue
  std::string body;
  std::int64_t sent_at_ms = 0;
  std::int64_t dead_at_ms = 0;
  int deliveries = 0;
  std::string reason;
  std::string origin;  // the id it had in the main queue
};

class MatchQueue {
 public:
  virtual ~MatchQueue() = default;

  // Returns the message id. Never drops a message (no size cap).
  virtual awaitable<std::string> publish(std::string body) = 0;
  // Several messages at once (SQS: SendMessageBatch, ten per request). The
  // ids in order; an empty id means that message was not sent (publish it
  // again). Throws when nothing could be sent. By default one publish each.
  virtual awaitable<std::vector<std::string>> publish_batch(std::vector<std::string> bodies);
  // Long poll: waits up to `wait` for messages; may return fewer than `max`.
  // Also delivers messages whose visibility timeout expired (redelivery), and
  // moves those past the delivery limit to the dead-letter queue instead.
  virtual awaitable<std::vector<Message>> receive(std::size_t max, Millis wait) = 0;
  // Done with the message: it is never delivered again. A receipt that is no
  // longer ours (the visibility timeout expired and another consumer took the
  // message) is ignored: the other consumer now owns it.
  virtual awaitable<void> ack(const Message& message) = 0;
  // Not done yet: deliver it again after `delay` (backoff), counting a delivery.
  // A message that already had MATCH_MAX_DELIVERIES deliveries goes to the
  // dead-letter queue instead.
  virtual awaitable<void> retry_later(const Message& message, Millis delay) = 0;
  // Several acks and retry_laters at once, each with the semantics of its
  // own call (Redis Streams: one script for all). Throws the first failure;
  // the other settlements may have been applied. By default one call each,
  // concurrently.
  virtual awaitable<void> settle_many(std::vector<Settlement> settlements);
  // What wake() needs to deliver `message` early once retry_later() has
  // delayed it (Redis Streams: its delayed member; SQS: its receipt). Empty
  // when the backend cannot wake messages.
  virtual std::string wake_token(const Message& message) const;
  // Delivers at once a message retry_later() delayed, given its wake_token()
  // (the delivery retry_later counted stays the only one). False, changing
  // nothing, when it is no longer waiting: delivered, acknowledged or
  // dead-lettered meanwhile. (SQS cannot tell a receipt whose message was
  // received again since: the message may become visible again at once, a
  // duplicate delivery consumers tolerate anyway.)
  virtual awaitable<bool> wake(std::string token);
  // Give up on a message at once (e.g. a body that cannot be parsed): it goes
  // to the dead-letter queue with `reason`. (SQS: send to the DLQ, delete.)
  virtual awaitable<void> dead_letter(const Message& message, std::string reason) = 0;
  virtual awaitable<QueueStats> stats() = 0;
};

inline awaitable<std::vector<std::string>> MatchQueue::publish_batch(std::vector<std::string> bodies) {
  std::vector<std::string> ids;
  ids.reserve(bodies.size());
  for (const auto& body : bodies) {
    std::exception_ptr failure;
    try {
      ids.push_back(co_await publish(body));
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      if (ids.empty()) std::rethrow_exception(failure);
      ids.resize(bodies.size());  // the rest was not sent
      break;
    }
  }
  co_return ids;
}

inline awaitable<void> MatchQueue::settle_many(std::vector<Settlement> settlements) {
  co_await concurrently(settlements.size(), [&](std::size_t i) {
    const auto& s = settlements[i];
    return s.kind == Settlement::Kind::ack ? ack(*s.message) : retry_later(*s.message, s.delay);
  });
}

inline std::string MatchQueue::wake_token(const Message& /*message*/) const { return {}; }

inline awaitable<bool> MatchQueue::wake(std::string /*token*/) { co_return false; }

// What `uitgo match-dlq` works on, whatever the backend.
class DeadLetterQueue {
 public:
  virtual ~DeadLetterQueue() = default;
  // Oldest first, at most `max`; looking changes nothing.
  virtual awaitable<std::vector<DeadLetter>> dead_letters(std::size_t max) = 0;
  // Moves one dead letter back into the main queue as a fresh message
  // (delivery count 0). Returns its new id, or empty when `id` is not there.
  virtual awaitable<std::string> replay(const std::string& id) = 0;
  // Replays what is in the dead-letter queue now.
  virtual awaitable<std::size_t> replay_all() = 0;
  // Where the dead letters and the main queue live, for messages to people.
  virtual std::string dead_letter_name() const = 0;
  virtual std::string queue_name() const = 0;
};

}  // namespace uitgo::queue
