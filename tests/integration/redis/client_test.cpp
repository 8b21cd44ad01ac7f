// redis::Client against a real redis-server: one server for the whole binary,
// a fresh 2-thread io_context and fresh clients for every test.
#include "core/redis/client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <optional>
#include <thread>
#include <vector>

#include "support/shared_environment.hpp"
#include "support/test_stack.hpp"

namespace uitgo::redis {
namespace {

using namespace std::chrono_literals;

test::TestStack* stack = nullptr;

const auto* const environment = test::share_per_binary(
    stack, [] { return std::make_unique<test::TestStack>(test::StackOptions{.postgres = false, .redis = true}); });

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }

  void TearDown() override {
    work_.reset();
    // Every Client of the test is destroyed by now, so the io_context must run out of work.
    for (int i = 0; i < 500 && !io_.stopped(); ++i) std::this_thread::sleep_for(10ms);
    EXPECT_TRUE(io_.stopped()) << "a destroyed Client left work behind";
    io_.stop();
    for (auto& thread : threads_) thread.join();
  }

  static Options options() { return Options::from_url(stack->redis_url()); }

 public:
  // Runs `op` on the io_context threads and waits for its result (or exception).
  template <typename T>
  T run(awaitable<T> op) {
    return asio::co_spawn(io_, std::move(op), asio::use_future).get();
  }

 protected:
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{std::in_place, io_.get_executor()};
  std::vector<std::thread> threads_;
};

TEST_F(RedisClientTest, BasicCommands) {
  Client client(io_.get_executor(), options());
  EXPECT_NO_THROW(run(client.ping()));
  EXPECT_TRUE(client.stats().connected);

  EXPECT_EQ(run(client.command({"SET", "basic:k", "v", "EX", 60})).as_string(), "OK");
  EXPECT_EQ(run(client.command({"GET", "basic:k"})).as_string(), "v");
  EXPECT_EQ(run(client.command({"GET", "basic:missing"})).as_optional_string(), std::nullopt);
  EXPECT_GT(run(client.command({"TTL", "basic:k"})).as_int(), 0);
  EXPECT_EQ(run(client.command({"DEL", "basic:n"})).as_int(), 0);
  EXPECT_EQ(run(client.command({"INCRBY", "basic:n", 5})).as_int(), 5);
  EXPECT_EQ(run(client.command({"GET", "basic:n"})).as_int(), 5);

  run(client.command({"HSET", "basic:h", "a", "1", "b", "2"}));
  Reply hash = run(client.command({"HGETALL", "basic:h"}));
  EXPECT_EQ(hash.as_array().size(), 4u) << hash.debug_string();

  std::string binary("a\0\r\n\xff", 5);
  std::string big(1 << 20, 'x');
  run(client.command({"SET", "basic:bin", binary}));
  run(client.command({"SET", "basic:big", big}));
  EXPECT_EQ(run(client.command({"GET", "basic:bin"})).as_string(), binary);
  EXPECT_EQ(run(client.command({"GET", "basic:big"})).as_string(), big);

  run(client.command({"GEOADD", "basic:geo", 106.6297, 10.8231, "driver-1"}));
  Reply near = run(
      client.command({"GEOSEARCH", "basic:geo", "FROMLONLAT", 106.63, 10.823, "BYRADIUS", 1, "km", "ASC", "WITHDIST"}));
  ASSERT_EQ(near.as_array().size(), 1u) << near.debug_string();
  EXPECT_EQ(near.as_array()[0].as_array()[0].as_string(), "driver-1");
  EXPECT_LT(near.as_array()[0].as_array()[1].as_double(), 1.0);

  EXPECT_THROW(run(client.command({})), std::invalid_argument);
  EXPECT_EQ(client.stats().in_flight, 0u);
  EXPECT_EQ(client.stats().reconnects, 0u);

  // Replacing a client shuts its connection down (TearDown checks nothing is left running).
  client = Client(io_.get_executor(), options());
  EXPECT_EQ(run(client.command({"GET", "basic:k"})).as_string(), "v");
}

TEST_F(RedisClientTest, PipelineIsAnsweredInOrderWithErrorsInPlace) {
  Client client(io_.get_executor(), options());
  run(client.command({"DEL", "pipe:n", "pipe:s"}));
  auto replies = run(client.pipeline(
      {{"SET", "pipe:s", "text"}, {"INCR", "pipe:n"}, {"INCR", "pipe:s"}, {"INCR", "pipe:n"}, {"GET", "pipe:s"}}));
  ASSERT_EQ(replies.size(), 5u);
  EXPECT_EQ(replies[0].as_string(), "OK");
  EXPECT_EQ(replies[1].as_int(), 1);
  EXPECT_TRUE(replies[2].is_error());
  EXPECT_THROW(replies[2].as_int(), CommandError);
  EXPECT_EQ(replies[3].as_int(), 2);
  EXPECT_EQ(replies[4].as_string(), "text");

  // MULTI ... EXEC stays whole when sent as one pipeline, whoever else shares the connection.
  auto tx = run(client.pipeline({{"MULTI"}, {"INCR", "pipe:n"}, {"INCR", "pipe:n"}, {"EXEC"}}));
  ASSERT_EQ(tx.size(), 4u);
  EXPECT_EQ(tx[3].as_array().size(), 2u);
  EXPECT_EQ(tx[3].as_array()[1].as_int(), 4);

  EXPECT_TRUE(run(client.pipeline({})).empty());
  EXPECT_THROW(run(client.pipeline({{"PING"}, {}})), std::invalid_argument);
}

TEST_F(RedisClientTest, ErrorRepliesThrowCommandErrorAndKeepTheConnection) {
  Client client(io_.get_executor(), options());
  run(client.command({"SET", "err:s", "v"}));
  try {
    run(client.command({"LPUSH", "err:s", "x"}));
    FAIL() << "expected CommandError";
  } catch (const CommandError& e) {
    EXPECT_EQ(e.code(), "WRONGTYPE");
  }
  EXPECT_THROW(run(client.command({"NO-SUCH-COMMAND"})), CommandError);
  EXPECT_EQ(run(client.command({"GET", "err:s"})).as_string(), "v");
  EXPECT_EQ(client.stats().reconnects, 0u);
}

TEST_F(RedisClientTest, ThousandConcurrentCommandsEachGetTheirOwnReply) {
  Client client(io_.get_executor(), options());
  constexpr int kCommands = 1000;
  constexpr int kLaunchers = 8;
  std::atomic<int> right{0}, wrong{0}, failed{0}, remaining{kCommands};
  std::promise<void> all_done;

  // Three shapes so a reply given to the wrong caller cannot look right by accident.
  auto one = [&](int i) -> awaitable<void> {
    const std::string tag = "tag-" + std::to_string(i);
    bool ok = false;
    switch (i % 3) {
      case 0:
        ok = (co_await client.command({"ECHO", tag})).as_string() == tag;
        break;
      case 1: {
        std::vector<Command> batch{{"SET", "conc:" + tag, i}, {"GET", "conc:" + tag}, {"ECHO", tag}};
        auto replies = co_await client.pipeline(std::move(batch));
        ok = replies.size() == 3 && replies[1].as_int() == i && replies[2].as_string() == tag;
        break;
      }
      case 2:
        co_await client.command({"SET", "conc:" + tag, tag, "EX", 60});
        ok = (co_await client.command({"GET", "conc:" + tag})).as_string() == tag;
        break;
    }
    (ok ? right : wrong)++;
  };
  auto finished = [&](std::exception_ptr error) {
    if (error) failed++;
    if (--remaining == 0) all_done.set_value();
  };
  auto launcher = [&](int first) -> awaitable<void> {
    auto executor = co_await asio::this_coro::executor;
    for (int i = first; i < kCommands; i += kLaunchers) asio::co_spawn(executor, one(i), finished);
  };
  for (int l = 0; l < kLaunchers; ++l) asio::co_spawn(io_, launcher(l), asio::detached);

  ASSERT_EQ(all_done.get_future().wait_for(60s), std::future_status::ready);
  EXPECT_EQ(right, kCommands);
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(client.stats().in_flight, 0u);
  EXPECT_EQ(client.stats().reconnects, 0u);
}

TEST_F(RedisClientTest, EvalFallsBackToEvalWhenTheScriptIsNotCached) {
  Client client(io_.get_executor(), options());
  static const Script reserve{"return redis.call('SET', KEYS[1], ARGV[1], 'NX')"};
  run(client.command({"DEL", "eval:lock"}));
  run(client.command({"SCRIPT", "FLUSH"}));

  // EVALSHA answers NOSCRIPT after the flush; the client sends EVAL instead.
  EXPECT_EQ(run(client.eval(reserve, {"eval:lock"}, {"trip-9"})).as_string(), "OK");
  EXPECT_EQ(run(client.command({"SCRIPT", "EXISTS", reserve.sha1()})).as_array().at(0).as_int(), 1);
  EXPECT_TRUE(run(client.eval(reserve, {"eval:lock"}, {"trip-10"})).is_nil());
  EXPECT_EQ(run(client.command({"GET", "eval:lock"})).as_string(), "trip-9");

  // The call keeps the source: a script gone before its call runs still
  // falls back to EVAL after a flush.
  run(client.command({"SCRIPT", "FLUSH"}));
  auto pending = [&] {
    const Script temporary{"return 'kept'"};
    return client.eval(temporary);
  }();
  EXPECT_EQ(run(std::move(pending)).as_string(), "kept");

  // Argument lists built at run time; a script without keys.
  std::vector<std::string> args{"a", "b", "c"};
  Script count_args{"return #ARGV"};
  EXPECT_EQ(run(client.eval(count_args, {}, Command(args))).as_int(), 3);

  // An error raised inside the script is a CommandError.
  run(client.command({"HSET", "eval:hash", "f", "v"}));
  Script incr{"return redis.call('INCR', KEYS[1])"};
  EXPECT_THROW(run(client.eval(incr, {"eval:hash"})), CommandError);
}

TEST_F(RedisClientTest, DeadlineResetsTheConnectionAndTheClientRecovers) {
  Client client(io_.get_executor(), options());
  run(client.command({"SET", "deadline:k", "v"}));
  run(client.command({"CLIENT", "PAUSE", 1000}));

  auto other = asio::co_spawn(io_, client.command({"GET", "deadline:k"}, 10s), asio::use_future);
  EXPECT_THROW(run(client.command({"GET", "deadline:k"}, 100ms)), TimeoutError);
  // Its reply could no longer be told apart from the timed-out one's.
  EXPECT_THROW(other.get(), UnavailableError);
  EXPECT_EQ(client.stats().timeouts, 1u);

  // The next command reconnects and is answered once the pause is over.
  EXPECT_EQ(run(client.command({"GET", "deadline:k"}, 10s)).as_string(), "v");
  EXPECT_EQ(client.stats().reconnects, 1u);
  EXPECT_TRUE(client.stats().connected);
}

TEST_F(RedisClientTest, CancelledCallersAndSlowPingsDoNotResetTheConnection) {
  // A slow PING resets the connection only past the commands' timeout. With the
  // default 1 s, Redis ending its 1 s pause a little late (it checks on its
  // timer) on a loaded machine would pass that deadline too; 5 s leaves room.
  Options patient = options();
  patient.command_timeout = 5s;
  Client client(io_.get_executor(), patient);
  run(client.command({"SET", "cancel:k", "v"}));
  run(client.command({"CLIENT", "PAUSE", 1000}));

  // An outer deadline cancels the call; the command keeps its place in the reply stream.
  EXPECT_THROW(run(with_deadline(client.command({"GET", "cancel:k"}, 10s), 100ms, "outer")), TimeoutError);
  EXPECT_EQ(client.stats().in_flight, 1u);
  EXPECT_THROW(run(client.ping(100ms)), TimeoutError);
  EXPECT_EQ(client.stats().in_flight, 2u);

  // After the pause the abandoned replies are dropped and new ones still match.
  EXPECT_EQ(run(client.command({"ECHO", "after"}, 10s)).as_string(), "after");
  EXPECT_EQ(run(client.command({"GET", "cancel:k"})).as_string(), "v");
  EXPECT_EQ(client.stats().timeouts, 0u);
  EXPECT_EQ(client.stats().reconnects, 0u);
  EXPECT_EQ(client.stats().in_flight, 0u);
}

TEST_F(RedisClientTest, TooManyCommandsInFlightAreRejected) {
  Options limited = options();
  limited.max_in_flight = 10;
  limited.command_timeout = 10s;
  Client client(io_.get_executor(), limited);
  run(client.command({"CLIENT", "PAUSE", 300}));

  std::vector<std::future<Reply>> calls;
  for (int i = 0; i < 20; ++i) calls.push_back(asio::co_spawn(io_, client.command({"ECHO", i}), asio::use_future));
  int answered = 0, overloaded = 0;
  for (auto& call : calls) {
    try {
      call.get();
      ++answered;
    } catch (const OverloadedError&) {
      ++overloaded;
    }
  }
  EXPECT_EQ(answered, 10);
  EXPECT_EQ(overloaded, 10);
}

TEST_F(RedisClientTest, AuthAndSelectFromTheUrl) {
  Client admin(io_.get_executor(), options());
  run(admin.command({"CONFIG", "SET", "requirepass", "pw"}));
  // The admin connection was open before, so it stays authenticated and can undo this.
  struct Restore {
    RedisClientTest* test;
    Client& admin;
    ~Restore() { test->run(admin.command({"CONFIG", "SET", "requirepass", ""})); }
  } restore{this, admin};

  const std::string address = options().host + ":" + std::to_string(options().port);
  Client authed(io_.get_executor(), Options::from_url("redis://:pw@" + address + "/1"));
  Client anonymous(io_.get_executor(), options());
  Client wrong(io_.get_executor(), Options::from_url("redis://:nope@" + address));

  run(authed.command({"SET", "select:k", "db1"}));
  EXPECT_EQ(run(authed.command({"GET", "select:k"})).as_string(), "db1");
  EXPECT_TRUE(run(admin.command({"GET", "select:k"})).is_nil());  // admin is on db 0

  try {
    run(anonymous.command({"GET", "select:k"}));
    FAIL() << "expected NOAUTH";
  } catch (const CommandError& e) {
    EXPECT_EQ(e.code(), "NOAUTH");
  }
  EXPECT_THROW(run(wrong.command({"PING"})), UnavailableError);
}

TEST_F(RedisClientTest, UnreachableServerFailsFast) {
  Options nowhere = options();
  nowhere.port = test::free_port();
  nowhere.command_timeout = 30s;
  nowhere.connect_timeout = 30s;
  Client client(io_.get_executor(), nowhere);
  // UnavailableError, not TimeoutError: nobody waited for a deadline.
  EXPECT_THROW(run(client.command({"PING"})), UnavailableError);
  EXPECT_THROW(run(client.command({"PING"})), UnavailableError);  // within the backoff
  EXPECT_THROW(run(client.ping()), UnavailableError);
  EXPECT_FALSE(client.stats().connected);
}

TEST_F(RedisClientTest, FailsFastWhileRedisIsDownAndReconnectsByItself) {
  Options patient = options();
  patient.command_timeout = 30s;
  patient.connect_timeout = 30s;
  Client client(io_.get_executor(), patient);
  // Blocking commands get a connection of their own.
  Client blocking(io_.get_executor(), patient);
  run(client.command({"PING"}));
  run(blocking.command({"PING"}));
  auto blpop = asio::co_spawn(io_, blocking.command({"BLPOP", "down:list", 0}, 30s), asio::use_future);

  stack->stop("redis");
  EXPECT_THROW(blpop.get(), UnavailableError);
  for (int i = 0; i < 3; ++i) EXPECT_THROW(run(client.command({"GET", "down:k"})), UnavailableError);
  EXPECT_THROW(run(client.ping()), UnavailableError);
  EXPECT_FALSE(client.stats().connected);

  stack->start("redis");
  bool back = false;
  for (int attempt = 0; attempt < 200 && !back; ++attempt) {
    try {
      back = run(client.command({"SET", "down:k", "up"})).as_string() == "OK";
    } catch (const UnavailableError&) {
      std::this_thread::sleep_for(50ms);
    }
  }
  ASSERT_TRUE(back);
  EXPECT_TRUE(client.stats().connected);
  EXPECT_EQ(client.stats().reconnects, 1u);
  EXPECT_EQ(run(client.command({"GET", "down:k"})).as_string(), "up");
}

}  // namespace
}  // namespace uitgo::redis
