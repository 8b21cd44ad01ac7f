// The Redis Streams MatchQueue against a real redis-server: one server for the
// whole binary, a fresh stream (and io_context) for every test.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <cstdio>
#include <future>
#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "queue/redis_stream_queue.hpp"
#include "support/shared_environment.hpp"
#include "support/shell.hpp"
#include "support/test_stack.hpp"

namespace uitgo::queue {
namespace {

using namespace std::chrono_literals;

test::TestStack* stack = nullptr;

const auto* const environment = test::share_per_binary(
    stack, [] { return std::make_unique<test::TestStack>(test::StackOptions{.postgres = false, .redis = true}); });

class MatchQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
    shared_ = std::make_unique<redis::Client>(io_.get_executor(), connection());
    stream_ = std::string("test:") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  void TearDown() override {
    queues_.clear();
    shared_.reset();
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
  }

  static redis::Options connection() { return redis::Options::from_url(stack->redis_url()); }

  RedisStreamQueue& make(const std::string& consumer, Millis visibility = 30s, int max_deliveries = 5) {
    queues_.push_back(std::make_unique<RedisStreamQueue>(io_.get_executor(), *shared_, connection(),
                                                         RedisQueueOptions{.stream = stream_,
                                                                           .group = "matchers",
                                                                           .consumer = consumer,
                                                                           .visibility_timeout = visibility,
                                                                           .max_deliveries = max_deliveries}));
    return *queues_.back();
  }

  template <typename T>
  T run(awaitable<T> op) {
    return asio::co_spawn(io_, std::move(op), asio::use_future).get();
  }
  std::vector<Message> receive(RedisStreamQueue& q, std::size_t max, Millis wait) { return run(q.receive(max, wait)); }
  std::string publish(RedisStreamQueue& q, std::string body) { return run(q.publish(std::move(body))); }
  void ack(RedisStreamQueue& q, const Message& m) { run(q.ack(m)); }
  QueueStats stats(RedisStreamQueue& q) { return run(q.stats()); }
  redis::Reply command(redis::Command c) { return run(shared_->command(std::move(c))); }

  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{std::in_place, io_.get_executor()};
  std::vector<std::thread> threads_;
  std::unique_ptr<redis::Client> shared_;
  std::vector<std::unique_ptr<RedisStreamQueue>> queues_;
  std::string stream_;
};

TEST_F(MatchQueueTest, PublishReceiveAck) {
  auto& producer = make("");
  auto& consumer = make("c1");
  // The group is created at id 0: what was published before any consumer existed is delivered.
  publish(producer, R"({"tripId":"a"})");
  publish(producer, R"({"tripId":"b"})");
  publish(producer, R"({"tripId":"c"})");
  auto got = receive(consumer, 10, 1s);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].body, R"({"tripId":"a"})");
  EXPECT_EQ(got[2].body, R"({"tripId":"c"})");
  for (const auto& m : got) {
    EXPECT_EQ(m.deliveries, 1);
    EXPECT_GT(m.sent_at_ms, 1'600'000'000'000);
  }
  auto s = stats(producer);
  EXPECT_EQ(s.depth, 3);
  EXPECT_EQ(s.in_flight, 3);
  for (const auto& m : got) ack(consumer, m);
  s = stats(producer);
  EXPECT_EQ(s.depth, 0) << "acknowledged entries are deleted";
  EXPECT_EQ(s.in_flight, 0);
  EXPECT_EQ(command({"XLEN", stream_}).as_int(), 0);
  EXPECT_TRUE(receive(consumer, 10, 100ms).empty());
}

TEST_F(MatchQueueTest, UnacknowledgedMessageGoesToAnotherConsumerAfterTheVisibilityTimeout) {
  auto& a = make("worker-a", 400ms);
  auto& b = make("worker-b", 400ms);
  publish(a, "m1");
  const auto first = receive(a, 1, 1s);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].deliveries, 1);
  // Still invisible to others within the timeout.
  EXPECT_TRUE(receive(b, 1, 100ms).empty());
  std::this_thread::sleep_for(450ms);
  const auto again = receive(b, 1, 1s);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].body, "m1");
  EXPECT_EQ(again[0].id, first[0].id);
  EXPECT_EQ(again[0].deliveries, 2);
  // A's receipt is stale now: its ack must not remove B's delivery.
  ack(a, first[0]);
  EXPECT_EQ(stats(b).in_flight, 1);
  ack(b, again[0]);
  EXPECT_EQ(stats(b).depth, 0);
}

TEST_F(MatchQueueTest, PastMaxDeliveriesTheMessageMovesToTheDeadLetterStream) {
  auto& q = make("c1", 200ms, 3);
  publish(q, "poison");
  for (int delivery = 1; delivery <= 3; ++delivery) {
    const auto got = receive(q, 1, 1s);
    ASSERT_EQ(got.size(), 1u) << "delivery " << delivery;
    EXPECT_EQ(got[0].deliveries, delivery);
    std::this_thread::sleep_for(250ms);  // never acknowledged
  }
  EXPECT_TRUE(receive(q, 1, 300ms).empty()) << "a fourth delivery would exceed MATCH_MAX_DELIVERIES";
  const auto s = stats(q);
  EXPECT_EQ(s.dead_letter_depth, 1);
  EXPECT_EQ(s.depth, 0);
  EXPECT_EQ(s.in_flight, 0);
  const auto dead = run(q.dead_letters(10));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].body, "poison");
  EXPECT_EQ(dead[0].reason, "max_deliveries");
  EXPECT_EQ(dead[0].deliveries, 3);
  EXPECT_FALSE(dead[0].origin.empty());
}

TEST_F(MatchQueueTest, RetryLaterHonoursTheDelayAndCountsADelivery) {
  auto& q = make("c1");
  publish(q, "later");
  auto got = receive(q, 1, 1s);
  ASSERT_EQ(got.size(), 1u);
  run(q.retry_later(got[0], 800ms));
  auto s = stats(q);
  EXPECT_EQ(s.delayed, 1);
  EXPECT_EQ(s.depth, 1);
  EXPECT_EQ(s.in_flight, 0);
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

TEST_F(MatchQueueTest, DelayedMessagesSurviveAConsumerRestart) {
  {
    auto& q = make("before-restart");
    publish(q, "kept");
    auto got = receive(q, 1, 1s);
    ASSERT_EQ(got.size(), 1u);
    run(q.retry_later(got[0], 300ms));
    queues_.clear();  // the consumer goes away
  }
  auto& fresh = make("after-restart");
  const auto got = receive(fresh, 1, 3s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "kept");
  EXPECT_EQ(got[0].deliveries, 2);
}

TEST_F(MatchQueueTest, RetryLaterAtTheLimitDeadLetters) {
  auto& q = make("c1", 30s, 2);
  publish(q, "twice");
  auto got = receive(q, 1, 1s);
  ASSERT_EQ(got.size(), 1u);
  run(q.retry_later(got[0], 50ms));
  got = receive(q, 1, 2s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].deliveries, 2);
  run(q.retry_later(got[0], 50ms));
  EXPECT_TRUE(receive(q, 1, 300ms).empty());
  const auto s = stats(q);
  EXPECT_EQ(s.dead_letter_depth, 1);
  EXPECT_EQ(s.delayed, 0);
}

TEST_F(MatchQueueTest, DeadLetterAndReplay) {
  auto& q = make("c1");
  publish(q, "not json at all");
  publish(q, "second");
  publish(q, "third");
  auto got = receive(q, 3, 1s);
  ASSERT_EQ(got.size(), 3u);
  for (const auto& m : got) run(q.dead_letter(m, "unparseable"));
  auto dead = run(q.dead_letters(10));
  ASSERT_EQ(dead.size(), 3u);
  EXPECT_EQ(dead[0].reason, "unparseable");
  EXPECT_EQ(dead[0].deliveries, 1);
  EXPECT_EQ(stats(q).depth, 0);

  // One by id.
  const auto new_id = run(q.replay(dead[0].id));
  EXPECT_FALSE(new_id.empty());
  EXPECT_TRUE(run(q.replay(dead[0].id)).empty()) << "already replayed";
  got = receive(q, 5, 1s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "not json at all");
  EXPECT_EQ(got[0].deliveries, 1) << "a replayed message starts over";
  ack(q, got[0]);

  // The rest at once.
  EXPECT_EQ(run(q.replay_all()), 2u);
  EXPECT_EQ(stats(q).dead_letter_depth, 0);
  got = receive(q, 5, 1s);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].body, "second");
  EXPECT_EQ(got[1].body, "third");
}

TEST_F(MatchQueueTest, BlockingReceiveReturnsPromptlyAndNeverBlocksTheSharedConnection) {
  auto& q = make("blocker");
  auto& producer = make("");
  run(q.stats());  // creates nothing; just a round trip
  auto pending = asio::co_spawn(io_, q.receive(1, 10s), asio::use_future);
  std::this_thread::sleep_for(300ms);
  // The shared connection answers while the consumer blocks on its own one.
  const auto ping_start = std::chrono::steady_clock::now();
  EXPECT_EQ(command({"PING"}).as_string(), "PONG");
  EXPECT_LT(std::chrono::steady_clock::now() - ping_start, 200ms);
  ASSERT_EQ(pending.wait_for(0s), std::future_status::timeout) << "still waiting for a message";
  const auto sent = std::chrono::steady_clock::now();
  publish(producer, "wake up");
  ASSERT_EQ(pending.wait_for(2s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 500ms);
  const auto got = pending.get();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "wake up");
}

TEST_F(MatchQueueTest, ConsumersShareTheWorkWithoutDuplicates) {
  auto& producer = make("");
  constexpr int kMessages = 200;
  for (int i = 0; i < kMessages; ++i) publish(producer, "m" + std::to_string(i));
  std::vector<RedisStreamQueue*> consumers;
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
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kMessages));
  for (int i = 0; i < kMessages; ++i) EXPECT_EQ(seen.count("m" + std::to_string(i)), 1u) << i;
  EXPECT_EQ(stats(producer).depth, 0);
}

TEST_F(MatchQueueTest, StatsReportTheOldestMessage) {
  auto& q = make("c1");
  EXPECT_EQ(stats(q).oldest_age_ms, 0);
  publish(q, "old");
  std::this_thread::sleep_for(300ms);
  publish(q, "new");
  const auto s = stats(q);
  EXPECT_EQ(s.depth, 2);
  EXPECT_GE(s.oldest_age_ms, 250);
  EXPECT_LT(s.oldest_age_ms, 5000);
}

// `uitgo match-dlq` against the same Redis.
std::string run_cli(const std::string& env, const std::string& args, int* status) {
  const auto result = test::run_command(env + " " + UITGO_BINARY + " match-dlq " + args + " 2>/dev/null");
  *status = result.status;
  return result.out;
}

TEST_F(MatchQueueTest, DeadLetterCommandListsAndReplays) {
  auto& q = make("c1");
  publish(q, R"({"tripId":"cli-1"})");
  publish(q, R"({"tripId":"cli-2"})");
  auto got = receive(q, 2, 1s);
  ASSERT_EQ(got.size(), 2u);
  for (const auto& m : got) run(q.dead_letter(m, "poison"));
  const std::string env = "REDIS_URL=" + stack->redis_url() + " MATCH_STREAM=" + stream_;
  int status = -1;
  const auto listed = run_cli(env, "list", &status);
  EXPECT_EQ(status, 0);
  EXPECT_NE(listed.find(R"("tripId":"cli-1")"), std::string::npos) << listed;
  EXPECT_NE(listed.find(R"("reason":"poison")"), std::string::npos) << listed;
  const auto first_id = run(q.dead_letters(1)).at(0).id;
  run_cli(env, "replay " + first_id, &status);
  EXPECT_EQ(status, 0);
  run_cli(env, "replay 1-1", &status);
  EXPECT_EQ(status, 1) << "an id not in the DLQ";
  run_cli(env, "replay --all", &status);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(stats(q).dead_letter_depth, 0);
  EXPECT_EQ(receive(q, 5, 1s).size(), 2u);
  run_cli(env, "frobnicate", &status);
  EXPECT_EQ(status, 2);
}

}  // namespace
}  // namespace uitgo::queue
