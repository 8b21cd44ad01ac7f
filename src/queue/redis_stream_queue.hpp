// MatchQueue on Redis Streams (MATCH_QUEUE=redis).
//
// Keys, for MATCH_STREAM = S (default "trip:match"):
//   S            the stream; consumer group MATCH_GROUP ("matchers"), created
//                at id 0 (MKSTREAM) so nothing published before the first
//                consumer existed is skipped.
//   S:delayed    ZSET of messages waiting for a retry_later delay, scored by
//                due time (Unix ms). Members are small JSON documents.
//   S:dlq        the dead-letter stream.
//
// Entry fields: body (the message), sent_at (Unix ms of the first publish),
// prior (deliveries before this entry existed: retry_later re-adds a message
// as a new entry, carrying its count).
//
// Delivery count = prior + the group's own counter for the entry (XPENDING's
// times-delivered, which XREADGROUP and XAUTOCLAIM increment).
//
// receive():
//   1. Lua "promote": due members of S:delayed move into S (XADD + ZREM,
//      atomically, so two consumers never promote one twice); returns when
//      the next delayed member is due.
//   2. Lua "reclaim": XAUTOCLAIM of entries idle longer than
//      MATCH_VISIBILITY_TIMEOUT_MS (crashed or stuck consumers) for this
//      consumer; each one past MATCH_MAX_DELIVERIES moves to S:dlq instead
//      (XADD + XACK + XDEL in the same script). The XAUTOCLAIM cursor is
//      kept between calls so a long PEL is scanned fairly. It runs at most
//      once per reclaim_interval() per consumer (scanning a long PEL on every
//      receive cost more Redis time than delivering the messages), and again
//      at once while each call fills its batch.
//   3. When nothing was reclaimed: XREADGROUP ... BLOCK on a connection of
//      this instance's own (a blocking command must never sit on the shared
//      connection). The block is capped at the next delayed message's due
//      time and at the visibility timeout, so delayed and abandoned messages
//      are picked up on time without polling; an idle consumer makes one
//      call per `wait` (or per cap), never a busy loop.
// ack(): Lua: if the entry is still pending for this consumer, XACK + XDEL
//   (acknowledged entries are deleted, so XLEN is the backlog and the stream
//   stays small; nothing unacknowledged is ever trimmed).
// retry_later(d): Lua: XACK + XDEL + ZADD S:delayed (now + d) — or S:dlq when
//   the message already had MATCH_MAX_DELIVERIES deliveries. Delays live in
//   Redis, so they survive consumer restarts.
// settle_many(): both of the above for a whole batch in ONE script call (ack
//   and retry_later are that script with one message): a matcher settling 64
//   messages makes one call, not 64.
// wake(token): Lua: ZREM of the delayed member (its wake_token) and, when it
//   was there, the XADD its promotion would have made.
// dead_letter(reason): Lua: XADD S:dlq + XACK + XDEL.
// Dead-letter entries: body, sent_at, deliveries, reason, origin (the entry
// id it had in S), dead_at (Unix ms). `uitgo match-dlq` lists and replays
// them (replay = XADD to S with prior 0 + XDEL from S:dlq, atomically).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/base/metrics.hpp"
#include "core/redis/client.hpp"
#include "queue/match_queue.hpp"

namespace uitgo::queue {

struct RedisQueueOptions {
  std::string stream = "trip:match";
  std::string group = "matchers";
  std::string consumer;  // unique per worker; needed only to receive
  Millis visibility_timeout{30000};
  int max_deliveries = 5;
  // Deadline of one non-blocking command (the blocking read gets its block time on top).
  Millis command_timeout{1000};
  // Counters match_queue_dead_lettered_total{reason} and
  // match_queue_redelivered_total when set (must outlive the queue).
  metrics::Registry* metrics = nullptr;
};

class RedisStreamQueue final : public MatchQueue, public DeadLetterQueue {
 public:
  // `shared` carries every non-blocking command; `connection` configures the
  // instance's own connection for the blocking read (opened on first receive).
  RedisStreamQueue(asio::any_io_executor executor, redis::Client& shared, redis::Options connection,
                   RedisQueueOptions options);
  ~RedisStreamQueue() override;

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

  // Dead-letter queue tools (uitgo match-dlq).
  awaitable<std::vector<DeadLetter>> dead_letters(std::size_t max) override;
  awaitable<std::string> replay(const std::string& id) override;
  // Replays what is in the DLQ now (at most what it held when called).
  awaitable<std::size_t> replay_all() override;
  std::string dead_letter_name() const override { return dead_letter_key(); }
  std::string queue_name() const override { return stream_key(); }

  const std::string& stream_key() const { return options_.stream; }
  std::string delayed_key() const { return options_.stream + ":delayed"; }
  std::string dead_letter_key() const { return options_.stream + ":dlq"; }
  const RedisQueueOptions& options() const { return options_; }

 private:
  awaitable<void> ensure_group();
  awaitable<std::vector<Message>> receive_once(std::size_t max, Millis wait);
  // Moves due delayed messages into the stream; returns ms until the next one is due (-1: none).
  awaitable<std::int64_t> promote_due();
  awaitable<std::vector<Message>> reclaim(std::size_t max);
  awaitable<std::vector<Message>> read_new(redis::Client& client, std::size_t max, std::optional<Millis> block);
  void count_dead(const std::string& reason, std::int64_t n);

  redis::Client& shared_;
  std::unique_ptr<redis::Client> blocking_;
  RedisQueueOptions options_;
  std::atomic<bool> group_ready_{false};
  std::mutex cursor_mutex_;
  std::string reclaim_cursor_ = "0-0";
  std::atomic<std::int64_t> next_reclaim_ms_{0};  // Unix ms; 0: at the next receive
};

namespace detail {

// Pure helpers, exposed for unit tests.

// "1700000000000-3" → 1700000000000; 0 when malformed.
std::int64_t stream_id_ms(std::string_view id);
// Field/value pairs of one stream entry ([f1, v1, f2, v2, ...]) as a lookup.
std::vector<std::pair<std::string, std::string>> field_pairs(const redis::Reply& flat);
std::string field(const std::vector<std::pair<std::string, std::string>>& fields, std::string_view name);
std::int64_t to_int(std::string_view text, std::int64_t fallback);
// The S:delayed member for a message (JSON with string values; unique by entry id).
std::string delayed_member(const Message& message);
// How long XREADGROUP may block: min(wait, time until the next delayed
// message is due (negative = none), visibility timeout), at least 1 ms
// (BLOCK 0 would mean forever). Zero wait means "do not block" (nullopt).
std::optional<Millis> block_time(Millis wait, std::int64_t next_due_in_ms, Millis visibility_timeout);
// How often a consumer looks for abandoned messages: a quarter of the
// visibility timeout, at most a second, so a message is redelivered at most
// that long after its timeout.
Millis reclaim_interval(Millis visibility_timeout);

}  // namespace detail

}  // namespace uitgo::queue
