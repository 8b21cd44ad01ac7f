// The MatchQueue contract, one suite run against both backends: Redis
// Streams (a real redis-server) and Amazon SQS (the SQS emulator of
// scripts/stack/sqs.sh, through the real SigV4-signing client). One stack for
// the whole binary; every test gets a fresh stream, or a fresh queue and
// dead-letter queue with a redrive policy, and its own io_context.
//
// Where SQS honestly differs, the test says so and asserts the weaker
// property: SQS counts time in whole seconds (visibility, retry delays, long
// polls), does not promise order, may deliver a message twice, reports no
// oldest-message age, keeps a message put back by retry_later in flight
// rather than delayed, and dead-letters through the queue's redrive policy
// (which knows no reason and keeps counting receives).
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "core/aws/credentials.hpp"
#include "queue/redis_stream_queue.hpp"
#include "queue/sqs/sqs_queue.hpp"
#include "support/ids.hpp"
#include "support/shared_environment.hpp"
#include "support/shell.hpp"
#include "support/test_stack.hpp"

namespace uitgo::queue {
namespace {

using namespace std::chrono_literals;

enum class Backend { redis, sqs };

test::TestStack* stack = nullptr;

const auto* const environment = test::share_per_binary(stack, [] {
  return std::make_unique<test::TestStack>(test::StackOptions{.postgres = false, .redis = true, .sqs = true});
});

const aws::Credentials kEmulatorCredentials{
    .access_key_id = "local-sqs-emulator", .secret_access_key = "local-sqs-emulator-secret", .session_token = ""};

// One consumer's view of the queue under test: both interfaces of one object.
struct Queue {
  std::unique_ptr<MatchQueue> owner;
  MatchQueue* queue = nullptr;
  DeadLetterQueue* dead = nullptr;
};

class MatchQueueTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace_if(
        name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '-');
    name_ = name.substr(0, 60) + "-" + test::new_uuid().substr(0, 8);
    if (sqs()) {
      sqs_ = std::make_shared<sqs::SqsClient>(
          io_.get_executor(), sqs::ClientSettings{.endpoint = stack->sqs_endpoint(), .region = "us-east-1"},
          std::make_shared<aws::StaticCredentials>(kEmulatorCredentials));
    } else {
      shared_ = std::make_unique<redis::Client>(io_.get_executor(), connection());
    }
  }

  void TearDown() override {
    queues_.clear();
    sqs_.reset();
    shared_.reset();
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
  }

  bool sqs() const { return GetParam() == Backend::sqs; }
  static redis::Options connection() { return redis::Options::from_url(stack->redis_url()); }

  // SQS measures visibility and delays in whole seconds: a shorter time asked
  // of the Redis backend is a second on SQS.
  Millis at_least_a_second_on_sqs(Millis redis) const { return sqs() ? std::max<Millis>(redis, 1s) : redis; }

  // A consumer of this test's queue. On SQS, the first call creates the
  // queue and its dead-letter queue, redriven after `max_deliveries`
  // receives (as deploy/terraform and the local emulator configure them).
  Queue& make(const std::string& consumer, Millis visibility = 30s, int max_deliveries = 5) {
    Queue q;
    if (sqs()) {
      if (queue_url_.empty()) create_sqs_queues(max_deliveries);
      q.owner = std::make_unique<sqs::SqsQueue>(sqs_, sqs::SqsQueueOptions{.queue_url = queue_url_,
                                                                           .dlq_url = dlq_url_,
                                                                           .visibility_timeout = visibility,
                                                                           .max_deliveries = max_deliveries});
      auto* concrete = static_cast<sqs::SqsQueue*>(q.owner.get());
      q.queue = concrete;
      q.dead = concrete;
    } else {
      auto redis = std::make_unique<RedisStreamQueue>(io_.get_executor(), *shared_, connection(),
                                                      RedisQueueOptions{.stream = "test:" + name_,
                                                                        .group = "matchers",
                                                                        .consumer = consumer,
                                                                        .visibility_timeout = visibility,
                                                                        .max_deliveries = max_deliveries});
      q.queue = redis.get();
      q.dead = redis.get();
      q.owner = std::move(redis);
    }
    queues_.push_back(std::move(q));
    return queues_.back();
  }

  void create_sqs_queues(int max_deliveries) {
    const boost::json::object dlq_request{{"QueueName", name_ + "-dlq"}};
    const auto dlq = run(sqs_->call("CreateQueue", dlq_request));
    dlq_url_ = std::string(dlq.at("QueueUrl").as_string());
    const boost::json::array names{"QueueArn"};
    const boost::json::object arn_request{{"QueueUrl", dlq_url_}, {"AttributeNames", names}};
    const auto arn = run(sqs_->call("GetQueueAttributes", arn_request));
    const boost::json::object policy{{"deadLetterTargetArn", arn.at("Attributes").at("QueueArn")},
                                     {"maxReceiveCount", max_deliveries}};
    const boost::json::object attributes{{"RedrivePolicy", boost::json::serialize(policy)}};
    const boost::json::object request{{"QueueName", name_}, {"Attributes", attributes}};
    queue_url_ = std::string(run(sqs_->call("CreateQueue", request)).at("QueueUrl").as_string());
  }

  template <typename T>
  T run(awaitable<T> op) {
    return asio::co_spawn(io_, std::move(op), asio::use_future).get();
  }
  std::vector<Message> receive(Queue& q, std::size_t max, Millis wait) { return run(q.queue->receive(max, wait)); }
  // Receives until `n` messages came (SQS may answer a receive with fewer
  // than there are) or `wait` passed.
  std::vector<Message> receive_n(Queue& q, std::size_t n, Millis wait) {
    std::vector<Message> out;
    const auto until = std::chrono::steady_clock::now() + wait;
    while (out.size() < n && std::chrono::steady_clock::now() < until) {
      for (auto& m : receive(q, n - out.size(), 1s)) out.push_back(std::move(m));
    }
    return out;
  }
  std::string publish(Queue& q, std::string body) { return run(q.queue->publish(std::move(body))); }
  void ack(Queue& q, const Message& m) { run(q.queue->ack(m)); }
  // Publishes `body`, receives it and puts it back with retry_later(delay);
  // its wake token ("" when it did not come).
  std::string publish_and_delay(Queue& q, const std::string& body, Millis delay) {
    publish(q, body);
    const auto got = receive(q, 1, 1s);
    EXPECT_EQ(got.size(), 1u);
    if (got.empty()) return "";
    auto token = q.queue->wake_token(got[0]);
    run(q.queue->retry_later(got[0], delay));
    return token;
  }
  QueueStats stats(Queue& q) { return run(q.queue->stats()); }
  redis::Reply command(redis::Command c) { return run(shared_->command(std::move(c))); }

  static std::multiset<std::string> bodies(const std::vector<Message>& messages) {
    std::multiset<std::string> out;
    for (const auto& m : messages) out.insert(m.body);
    return out;
  }

  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{std::in_place, io_.get_executor()};
  std::vector<std::thread> threads_;
  std::unique_ptr<redis::Client> shared_;
  std::shared_ptr<sqs::SqsClient> sqs_;
  std::deque<Queue> queues_;  // references stay valid as consumers are added
  std::string name_;
  std::string queue_url_;
  std::string dlq_url_;
};

TEST_P(MatchQueueTest, PublishReceiveAck) {
  auto& producer = make("");
  auto& consumer = make("c1");
  // Redis: the group is created at id 0, so what was published before any
  // consumer existed is delivered. SQS: a queue keeps what it was sent.
  publish(producer, R"({"tripId":"a"})");
  publish(producer, R"({"tripId":"b"})");
  publish(producer, R"({"tripId":"c"})");
  auto got = receive_n(consumer, 3, 5s);
  ASSERT_EQ(got.size(), 3u);
  if (sqs()) {
    // A standard SQS queue does not promise order.
    EXPECT_EQ(bodies(got), (std::multiset<std::string>{R"({"tripId":"a"})", R"({"tripId":"b"})", R"({"tripId":"c"})"}));
  } else {
    EXPECT_EQ(got[0].body, R"({"tripId":"a"})");
    EXPECT_EQ(got[2].body, R"({"tripId":"c"})");
  }
  for (const auto& m : got) {
    EXPECT_EQ(m.deliveries, 1);
    EXPECT_GT(m.sent_at_ms, 1'600'000'000'000);
    EXPECT_FALSE(m.id.empty());
    EXPECT_FALSE(m.receipt.empty());
  }
  // (SQS's counts are approximate; the emulator's are exact.)
  auto s = stats(producer);
  EXPECT_EQ(s.depth, 3);
  EXPECT_EQ(s.in_flight, 3);
  for (const auto& m : got) ack(consumer, m);
  s = stats(producer);
  EXPECT_EQ(s.depth, 0) << "acknowledged messages are deleted";
  EXPECT_EQ(s.in_flight, 0);
  if (!sqs()) {
    EXPECT_EQ(command({"XLEN", "test:" + name_}).as_int(), 0);
  }
  EXPECT_TRUE(receive(consumer, 10, 100ms).empty());
}

TEST_P(MatchQueueTest, PublishBatchSendsEveryMessage) {
  auto& producer = make("");
  auto& consumer = make("c1");
  std::vector<std::string> sent;
  for (int i = 0; i < 23; ++i) sent.push_back(R"({"tripId":"batch-)" + std::to_string(i) + R"("})");
  // SQS: three SendMessageBatch requests (10 + 10 + 3).
  const auto ids = run(producer.queue->publish_batch(sent));
  ASSERT_EQ(ids.size(), sent.size());
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), sent.size()) << "distinct ids, none empty";
  for (const auto& id : ids) EXPECT_FALSE(id.empty());
  const auto got = receive_n(consumer, sent.size(), 10s);
  ASSERT_EQ(got.size(), sent.size());
  EXPECT_EQ(bodies(got), std::multiset<std::string>(sent.begin(), sent.end()));
  for (const auto& m : got) {
    EXPECT_EQ(m.deliveries, 1);
    EXPECT_GT(m.sent_at_ms, 1'600'000'000'000);
    EXPECT_NE(std::find(ids.begin(), ids.end(), m.id), ids.end()) << m.id;
    ack(consumer, m);
  }
  EXPECT_TRUE(run(producer.queue->publish_batch({})).empty());
  EXPECT_EQ(stats(producer).depth, 0);
}

TEST_P(MatchQueueTest, UnacknowledgedMessageGoesToAnotherConsumerAfterTheVisibilityTimeout) {
  const auto visibility = at_least_a_second_on_sqs(400ms);
  auto& a = make("worker-a", visibility);
  auto& b = make("worker-b", visibility);
  publish(a, "m1");
  const auto first = receive(a, 1, 1s);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].deliveries, 1);
  // Still invisible to others within the timeout (a wait under a second is
  // no long poll on SQS: the answer comes at once).
  EXPECT_TRUE(receive(b, 1, 100ms).empty());
  std::this_thread::sleep_for(visibility + 50ms);
  const auto again = receive(b, 1, 2s);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].body, "m1");
  EXPECT_EQ(again[0].id, first[0].id);
  EXPECT_EQ(again[0].deliveries, 2);
  // A's receipt is stale now: its ack must not remove B's delivery. (Real SQS
  // only says such a delete "might not" remove the message; the emulator,
  // like Redis, ignores it.)
  ack(a, first[0]);
  EXPECT_EQ(stats(b).in_flight, 1);
  ack(b, again[0]);
  EXPECT_EQ(stats(b).depth, 0);
}

TEST_P(MatchQueueTest, PastMaxDeliveriesTheMessageMovesToTheDeadLetterQueue) {
  const auto visibility = at_least_a_second_on_sqs(200ms);
  auto& q = make("c1", visibility, 3);
  publish(q, "poison");
  for (int delivery = 1; delivery <= 3; ++delivery) {
    const auto got = receive(q, 1, 2s);
    ASSERT_EQ(got.size(), 1u) << "delivery " << delivery;
    EXPECT_EQ(got[0].deliveries, delivery);
    std::this_thread::sleep_for(visibility + 50ms);  // never acknowledged
  }
  EXPECT_TRUE(receive(q, 1, 300ms).empty()) << "a fourth delivery would exceed MATCH_MAX_DELIVERIES";
  const auto s = stats(q);
  EXPECT_EQ(s.dead_letter_depth, 1);
  EXPECT_EQ(s.depth, 0);
  EXPECT_EQ(s.in_flight, 0);
  const auto dead = run(q.dead->dead_letters(10));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].body, "poison");
  EXPECT_FALSE(dead[0].origin.empty());
  if (sqs()) {
    // SQS's redrive policy moved it on the fourth receive: it records no
    // reason, and its receive count goes on (listing the DLQ receives too).
    EXPECT_EQ(dead[0].reason, "max_receive_count");
    EXPECT_GE(dead[0].deliveries, 3);
  } else {
    EXPECT_EQ(dead[0].reason, "max_deliveries");
    EXPECT_EQ(dead[0].deliveries, 3);
  }
}

TEST_P(MatchQueueTest, RetryLaterHonoursTheDelayAndCountsADelivery) {
  auto& q = make("c1");
  publish(q, "later");
  auto got = receive(q, 1, 1s);
  ASSERT_EQ(got.size(), 1u);
  run(q.queue->retry_later(got[0], 800ms));
  auto s = stats(q);
  EXPECT_EQ(s.depth, 1);
  if (sqs()) {
    // ChangeMessageVisibility keeps it in flight, invisible for a second.
    EXPECT_EQ(s.delayed + s.in_flight, 1);
  } else {
    EXPECT_EQ(s.delayed, 1);
    EXPECT_EQ(s.in_flight, 0);
  }
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(receive(q, 1, 200ms).empty()) << "not due yet";
  // A long wait returns as soon as the delay is over, not at the end of the wait.
  got = receive(q, 1, 5s);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "later");
  EXPECT_EQ(got[0].deliveries, 2);
  EXPECT_GE(elapsed, 750ms);
  EXPECT_LT(elapsed, 2000ms);
  ack(q, got[0]);
  EXPECT_EQ(stats(q).depth, 0);
}

TEST_P(MatchQueueTest, WakeDeliversADelayedMessageAtOnce) {
  auto& q = make("c1");
  const auto token = publish_and_delay(q, "waiting", 60s);
  ASSERT_FALSE(token.empty());
  EXPECT_TRUE(receive(q, 1, at_least_a_second_on_sqs(200ms)).empty()) << "delayed for a minute";
  EXPECT_TRUE(run(q.queue->wake(token)));
  // Well within the minute: only the wake can have delivered it.
  const auto got = receive_n(q, 1, 5s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "waiting");
  EXPECT_EQ(got[0].deliveries, 2) << "retry_later counted the delivery; the wake adds none";
  ack(q, got[0]);
  EXPECT_FALSE(run(q.queue->wake(token))) << "acknowledged: nothing left to wake";
  EXPECT_EQ(stats(q).depth, 0);
}

TEST_P(MatchQueueTest, WakeOfAMessageAlreadyDeliveredChangesNothing) {
  auto& q = make("c1");
  const auto token = publish_and_delay(q, "due-soon", at_least_a_second_on_sqs(100ms));
  ASSERT_FALSE(token.empty());
  const auto got = receive_n(q, 1, 5s);  // came back by itself
  ASSERT_EQ(got.size(), 1u);
  if (!sqs()) {
    // SQS cannot tell the old receipt from the new one (match_queue.hpp).
    EXPECT_FALSE(run(q.queue->wake(token)));
  }
  ack(q, got[0]);
  EXPECT_FALSE(run(q.queue->wake(token)));
  EXPECT_TRUE(receive(q, 1, at_least_a_second_on_sqs(200ms)).empty()) << "delivered once, acknowledged";
  EXPECT_EQ(stats(q).depth, 0);
}

TEST_P(MatchQueueTest, SettleManyAcknowledgesAndDelaysInOneCall) {
  auto& q = make("c1");
  for (const char* body : {"ack-me", "retry-1", "retry-2", "keep"}) publish(q, body);
  const auto got = receive_n(q, 4, 5s);
  ASSERT_EQ(got.size(), 4u);
  std::map<std::string, const Message*> by_body;
  for (const auto& m : got) by_body[m.body] = &m;
  const auto delay = at_least_a_second_on_sqs(300ms);
  std::vector<Settlement> settlements{{.message = by_body["ack-me"], .kind = Settlement::Kind::ack},
                                      {.message = by_body["retry-1"], .kind = Settlement::Kind::retry, .delay = delay},
                                      {.message = by_body["retry-2"], .kind = Settlement::Kind::retry, .delay = delay}};
  // A receipt this consumer does not hold is ignored, ack or retry; the others still apply.
  const Message stale{.id = "1-1", .receipt = "1-1", .body = "gone"};
  settlements.push_back({.message = &stale, .kind = Settlement::Kind::ack});
  settlements.push_back({.message = &stale, .kind = Settlement::Kind::retry, .delay = delay});
  run(q.queue->settle_many(std::move(settlements)));
  run(q.queue->settle_many({}));
  auto s = stats(q);
  EXPECT_EQ(s.depth, 3) << "two delayed, one still in flight";
  if (!sqs()) {
    EXPECT_EQ(s.delayed, 2);
    EXPECT_EQ(s.in_flight, 1);
  }
  const auto again = receive_n(q, 2, 5s);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(bodies(again), (std::multiset<std::string>{"retry-1", "retry-2"}));
  for (const auto& m : again) {
    EXPECT_EQ(m.deliveries, 2);
    ack(q, m);
  }
  ack(q, *by_body["keep"]);
  EXPECT_EQ(stats(q).depth, 0);
}

// More settlements than one SQS batch request takes (ten entries).
TEST_P(MatchQueueTest, SettleManyTakesMoreThanOneRequestsWorth) {
  auto& q = make("c1");
  constexpr int kMessages = 25;
  for (int i = 0; i < kMessages; ++i) publish(q, "m" + std::to_string(i));
  const auto got = receive_n(q, kMessages, 10s);
  ASSERT_EQ(got.size(), static_cast<std::size_t>(kMessages));
  const auto delay = at_least_a_second_on_sqs(300ms);
  std::vector<Settlement> settlements;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const bool retry = i % 2 == 1;  // 12 retries, 13 acks
    settlements.push_back(
        {.message = &got[i], .kind = retry ? Settlement::Kind::retry : Settlement::Kind::ack, .delay = delay});
  }
  run(q.queue->settle_many(std::move(settlements)));
  EXPECT_EQ(stats(q).depth, 12);
  const auto again = receive_n(q, 12, 10s);
  ASSERT_EQ(again.size(), 12u);
  for (const auto& m : again) {
    EXPECT_EQ(m.deliveries, 2);
    ack(q, m);
  }
  EXPECT_EQ(stats(q).depth, 0);
}

TEST_P(MatchQueueTest, DelayedMessagesSurviveAConsumerRestart) {
  {
    auto& q = make("before-restart");
    publish(q, "kept");
    auto got = receive(q, 1, 1s);
    ASSERT_EQ(got.size(), 1u);
    run(q.queue->retry_later(got[0], 300ms));
    queues_.clear();  // the consumer goes away
  }
  auto& fresh = make("after-restart");
  const auto got = receive(fresh, 1, 3s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "kept");
  EXPECT_EQ(got[0].deliveries, 2);
}

TEST_P(MatchQueueTest, RetryLaterAtTheLimitDeadLetters) {
  auto& q = make("c1", 30s, 2);
  publish(q, "twice");
  auto got = receive(q, 1, 1s);
  ASSERT_EQ(got.size(), 1u);
  run(q.queue->retry_later(got[0], 50ms));
  got = receive(q, 1, 3s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].deliveries, 2);
  run(q.queue->retry_later(got[0], 50ms));
  EXPECT_TRUE(receive(q, 1, 300ms).empty());
  const auto s = stats(q);
  EXPECT_EQ(s.dead_letter_depth, 1);
  EXPECT_EQ(s.delayed, 0);
  EXPECT_EQ(s.depth, 0);
  const auto dead = run(q.dead->dead_letters(10));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].reason, "max_deliveries");
  EXPECT_EQ(dead[0].deliveries, 2);
  EXPECT_EQ(dead[0].origin, got[0].id);
}

TEST_P(MatchQueueTest, DeadLetterAndReplay) {
  auto& q = make("c1");
  publish(q, "not json at all");
  publish(q, "second");
  publish(q, "third");
  auto got = receive_n(q, 3, 5s);
  ASSERT_EQ(got.size(), 3u);
  for (const auto& m : got) run(q.queue->dead_letter(m, "unparseable"));
  auto dead = run(q.dead->dead_letters(10));
  ASSERT_EQ(dead.size(), 3u);
  for (const auto& d : dead) {
    EXPECT_EQ(d.reason, "unparseable");
    EXPECT_EQ(d.deliveries, 1);
    EXPECT_FALSE(d.origin.empty());
    EXPECT_GT(d.dead_at_ms, 1'600'000'000'000);
  }
  EXPECT_EQ(stats(q).depth, 0);
  EXPECT_EQ(stats(q).dead_letter_depth, 3);
  // Oldest first on Redis; on SQS the three died within milliseconds, in an
  // order the listing cannot tell apart.
  if (!sqs()) {
    EXPECT_EQ(dead[0].body, "not json at all");
  }

  // One by id.
  const auto new_id = run(q.dead->replay(dead[0].id));
  EXPECT_FALSE(new_id.empty());
  EXPECT_TRUE(run(q.dead->replay(dead[0].id)).empty()) << "already replayed";
  got = receive(q, 5, 1s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, dead[0].body);
  EXPECT_EQ(got[0].deliveries, 1) << "a replayed message starts over";
  ack(q, got[0]);
  EXPECT_EQ(stats(q).dead_letter_depth, 2) << "the others stay (and are visible again on SQS)";

  // The rest at once.
  EXPECT_EQ(run(q.dead->replay_all()), 2u);
  EXPECT_EQ(stats(q).dead_letter_depth, 0);
  got = receive_n(q, 2, 5s);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(bodies(got), (std::multiset<std::string>{dead[1].body, dead[2].body}));
  if (!sqs()) {
    EXPECT_EQ(got[0].body, "second");
    EXPECT_EQ(got[1].body, "third");
  }
}

TEST_P(MatchQueueTest, LongPollReturnsPromptlyAndBlocksNothingElse) {
  auto& q = make("blocker");
  auto& producer = make("");
  run(q.queue->stats());  // creates nothing; just a round trip
  auto pending = asio::co_spawn(io_, q.queue->receive(1, 10s), asio::use_future);
  std::this_thread::sleep_for(300ms);
  // Other calls answer while the consumer waits: Redis blocks on a connection
  // of its own, SQS long-polls on one connection of the client's pool.
  const auto call_start = std::chrono::steady_clock::now();
  if (sqs()) {
    EXPECT_EQ(stats(producer).depth, 0);
  } else {
    EXPECT_EQ(command({"PING"}).as_string(), "PONG");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - call_start, 200ms);
  ASSERT_EQ(pending.wait_for(0s), std::future_status::timeout) << "still waiting for a message";
  const auto sent = std::chrono::steady_clock::now();
  publish(producer, "wake up");
  ASSERT_EQ(pending.wait_for(2s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 500ms);
  const auto got = pending.get();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "wake up");
}

TEST_P(MatchQueueTest, ConsumersShareTheWork) {
  auto& producer = make("");
  constexpr int kMessages = 200;
  for (int i = 0; i < kMessages; ++i) publish(producer, "m" + std::to_string(i));
  std::vector<Queue*> consumers;
  for (int i = 0; i < 4; ++i) consumers.push_back(&make("w" + std::to_string(i)));
  std::mutex mutex;
  std::multiset<std::string> seen;
  std::vector<std::thread> workers;
  for (auto* c : consumers) {
    workers.emplace_back([&, c] {
      for (;;) {
        auto got = receive(*c, 7, 300ms);
        if (got.empty()) return;
        for (const auto& m : got) {
          ack(*c, m);
          std::lock_guard lock(mutex);
          seen.insert(m.body);
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  for (int i = 0; i < kMessages; ++i) {
    const auto n = seen.count("m" + std::to_string(i));
    if (sqs()) {
      // At least once: a standard SQS queue may deliver a message twice.
      EXPECT_GE(n, 1u) << i;
    } else {
      EXPECT_EQ(n, 1u) << i;
    }
  }
  EXPECT_EQ(stats(producer).depth, 0);
}

TEST_P(MatchQueueTest, StatsReportTheOldestMessage) {
  auto& q = make("c1");
  EXPECT_EQ(stats(q).oldest_age_ms, 0);
  publish(q, "old");
  std::this_thread::sleep_for(300ms);
  publish(q, "new");
  const auto s = stats(q);
  EXPECT_EQ(s.depth, 2);
  if (sqs()) {
    // GetQueueAttributes has no such age (CloudWatch's
    // ApproximateAgeOfOldestMessage does): always 0.
    EXPECT_EQ(s.oldest_age_ms, 0);
  } else {
    EXPECT_GE(s.oldest_age_ms, 250);
    EXPECT_LT(s.oldest_age_ms, 5000);
  }
}

// `uitgo match-dlq` against the same backend.
std::string run_cli(const std::string& env, const std::string& args, int* status) {
  const auto result = test::run_command(env + " " + UITGO_BINARY + " match-dlq " + args + " 2>/dev/null");
  *status = result.status;
  return result.out;
}

TEST_P(MatchQueueTest, DeadLetterCommandListsAndReplays) {
  auto& q = make("c1");
  publish(q, R"({"tripId":"cli-1"})");
  publish(q, R"({"tripId":"cli-2"})");
  auto got = receive_n(q, 2, 5s);
  ASSERT_EQ(got.size(), 2u);
  for (const auto& m : got) run(q.queue->dead_letter(m, "poison"));
  const std::string env =
      sqs()
          ? "MATCH_QUEUE=sqs SQS_QUEUE_URL=" + queue_url_ + " SQS_DLQ_URL=" + dlq_url_ +
                " SQS_ENDPOINT=" + stack->sqs_endpoint() + " AWS_ACCESS_KEY_ID=" + kEmulatorCredentials.access_key_id +
                " AWS_SECRET_ACCESS_KEY=" + kEmulatorCredentials.secret_access_key + " REDIS_URL=" + stack->redis_url()
          : "MATCH_QUEUE=redis REDIS_URL=" + stack->redis_url() + " MATCH_STREAM=test:" + name_;
  int status = -1;
  const auto listed = run_cli(env, "list", &status);
  EXPECT_EQ(status, 0);
  EXPECT_NE(listed.find(R"("tripId":"cli-1")"), std::string::npos) << listed;
  EXPECT_NE(listed.find(R"("reason":"poison")"), std::string::npos) << listed;
  const auto first_id = run(q.dead->dead_letters(1)).at(0).id;
  run_cli(env, "replay " + first_id, &status);
  EXPECT_EQ(status, 0);
  run_cli(env, sqs() ? "replay " + test::new_uuid() : "replay 1-1", &status);
  EXPECT_EQ(status, 1) << "an id not in the DLQ";
  run_cli(env, "replay --all", &status);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(stats(q).dead_letter_depth, 0);
  EXPECT_EQ(receive_n(q, 2, 5s).size(), 2u);
  run_cli(env, "frobnicate", &status);
  EXPECT_EQ(status, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, MatchQueueTest, ::testing::Values(Backend::redis, Backend::sqs),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::sqs ? "sqs" : "redis";
                         });

}  // namespace
}  // namespace uitgo::queue
