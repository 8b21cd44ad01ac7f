// MatchQueue on Amazon SQS (MATCH_QUEUE=sqs), with the same semantics as the
// Redis Streams backend:
//
//   publish      SendMessage; the first publish time travels as the message
//                attribute sentAt, deliveries before a re-publish as prior.
//                publish_batch: SendMessageBatch, ten messages (and at most
//                256 KiB) per request; entries SQS refuses come back unsent.
//   receive      ReceiveMessage, long polling (WaitTimeSeconds: the wait in
//                whole seconds rounded down, up to 20; batches of up to 10),
//                visibility MATCH_VISIBILITY_TIMEOUT_MS rounded up to seconds;
//                deliveries = prior + ApproximateReceiveCount. A message past
//                MATCH_MAX_DELIVERIES that the queue's redrive policy did not
//                move yet goes to the DLQ here.
//   ack          DeleteMessage (an expired receipt is ignored: the message is
//                another consumer's now).
//   retry_later  ChangeMessageVisibility(delay), which SQS counts as a
//                delivery when the message comes back; delays beyond SQS's
//                12-hour visibility limit re-publish (DelaySeconds ≤ 15 min) and
//                delete instead. At MATCH_MAX_DELIVERIES: the DLQ.
//   settle_many  DeleteMessageBatch for the acks and ChangeMessageVisibilityBatch
//                for the retries, ten entries per request, the requests
//                concurrently; an entry whose receipt expired is ignored, as
//                by ack and retry_later. Retries at the limit or beyond 12 h
//                take retry_later's own path.
//   wake         ChangeMessageVisibility(0) with the receipt retry_later
//                left (its wake_token); an expired receipt: false.
//   dead_letter  SendMessage to SQS_DLQ_URL (with reason, origin, deliveries,
//                deadAt) and DeleteMessage. The queue's RedrivePolicy
//                (maxReceiveCount ≥ MATCH_MAX_DELIVERIES) dead-letters
//                messages nobody settles.
//   stats        GetQueueAttributes of the queue and the DLQ (a message put
//                back by retry_later counts as in flight: SQS keeps it
//                invisible, it is not "delayed"). SQS has no
//                oldest-message age here (CloudWatch's
//                ApproximateAgeOfOldestMessage has it): reported as 0.
//
// `uitgo match-dlq` lists dead letters by receiving them with visibility 0
// (nothing changes) and replays them by sending to the queue and deleting
// from the DLQ.
#pragma once

#include <memory>
#include <string>

#include "core/base/metrics.hpp"
#include "queue/match_queue.hpp"
#include "queue/sqs/sqs_client.hpp"

namespace uitgo::queue::sqs {

struct SqsQueueOptions {
  std::string queue_url;
  std::string dlq_url;  // may be empty: then dead_letter() and the DLQ tools fail clearly
  Millis visibility_timeout{30000};
  int max_deliveries = 5;
  metrics::Registry* metrics = nullptr;  // match_queue_dead_lettered_total{reason}, match_queue_redelivered_total
};

class SqsQueue final : public MatchQueue, public DeadLetterQueue {
 public:
  SqsQueue(std::shared_ptr<SqsClient> client, SqsQueueOptions options);

  awaitable<std::string> publish(std::string body) override;
  awaitable<std::vector<std::string>> publish_batch(std::vector<std::string> bodies) override;
  awaitable<std::vector<Message>> receive(std::size_t max, Millis wait) override;
  awaitable<void> ack(const Message& message) override;
  awaitable<void> retry_later(const Message& message, Millis delay) override;
  awaitable<void> settle_many(std::vector<Settlement> settlements) override;
  std::string wake_token(const Message& message) const override;
  awaitable<bool> wake(std::string token) override;
  awaitable<void> dead_letter(const Message& message, std::string reason) override;
  awaitable<QueueStats> stats() override;

  awaitable<std::vector<DeadLetter>> dead_letters(std::size_t max) override;
  awaitable<std::string> replay(const std::string& id) override;
  awaitable<std::size_t> replay_all() override;
  std::string dead_letter_name() const override { return options_.dlq_url; }
  std::string queue_name() const override { return options_.queue_url; }

 private:
  awaitable<std::string> send(const std::string& queue_url, const std::string& body, std::int64_t sent_at_ms, int prior,
                              int delay_seconds = 0);
  awaitable<void> remove(const std::string& queue_url, const std::string& receipt);
  // One DeleteMessageBatch or ChangeMessageVisibilityBatch request (up to ten
  // entries, each with its Id). Entries with an expired receipt are ignored;
  // any other failed entry throws, after the request's other entries applied.
  awaitable<void> settle_request(const char* action, boost::json::array entries);
  awaitable<boost::json::array> receive_raw(const std::string& queue_url, int max, int wait_seconds,
                                            int visibility_seconds);
  // The queue's ApproximateNumberOfMessages(NotVisible|Delayed) attributes.
  awaitable<boost::json::object> counts(const std::string& queue_url);
  awaitable<std::size_t> replay_matching(const std::string& only_id, std::string& replayed_as);
  const std::string& require_dlq() const;
  void count_dead(const std::string& reason);

  std::shared_ptr<SqsClient> client_;
  SqsQueueOptions options_;
};

namespace detail {

// Pure helpers, exposed for unit tests.

// A received SQS message (one element of ReceiveMessage's Messages) as a
// Message; deliveries = prior + ApproximateReceiveCount.
Message to_message(const boost::json::object& m);
// A dead-letter queue message as a DeadLetter.
DeadLetter to_dead_letter(const boost::json::object& m);
// Seconds for ChangeMessageVisibility from a delay (rounded up, 0 to 43200).
int visibility_seconds(Millis delay);

}  // namespace detail

}  // namespace uitgo::queue::sqs
