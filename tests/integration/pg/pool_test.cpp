#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "pg_fixture.hpp"

namespace uitgo::pg::test {
namespace {

using PoolTest = PgTest;
using Clock = std::chrono::steady_clock;

asio::awaitable<void> sleep_for(Clock::duration d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

TEST_F(PoolTest, DeadlineThrowsTimeoutCancelsTheStatementAndThePoolRecovers) {
  Pool pool(io.get_executor(), options(2));
  const auto start = Clock::now();
  EXPECT_THROW(run(pool.query("SELECT pg_sleep(2) /* deadline-test */", {}, 200ms)), TimeoutError);
  const auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, 200ms);
  EXPECT_LT(elapsed, 1500ms);
  EXPECT_EQ(pool.stats().size, 0u);  // the timed-out connection was not put back

  // The server-side statement was cancelled rather than left sleeping.
  std::int64_t still_running = -1;
  for (int attempt = 0; attempt < 20 && still_running != 0; ++attempt) {
    std::this_thread::sleep_for(50ms);
    still_running = run(pool.query("SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
                                   " AND query LIKE $1",
                                   {"SELECT pg_sleep(2) /* deadline-test */%"}))
                        .get<std::int64_t>(0, 0);
  }
  EXPECT_EQ(still_running, 0);

  EXPECT_EQ(run(pool.query("SELECT $1::int + 1", {41})).get<int>(0, 0), 42);
  // Default deadline comes from the options.
  Pool quick(io.get_executor(), {.dsn = dsn(), .query_timeout = 150ms, .name = "quick"});
  EXPECT_THROW(run(quick.query("SELECT pg_sleep(1)")), TimeoutError);
  EXPECT_TRUE(run(quick.ping()));
}

TEST_F(PoolTest, ExhaustedPoolThrowsOverloadedAfterAcquireTimeout) {
  Pool pool(io.get_executor(), {.dsn = dsn(), .max_size = 1, .acquire_timeout = 200ms, .name = "tiny"});
  run([&]() -> asio::awaitable<void> {
    Lease held = co_await pool.acquire();
    EXPECT_EQ(pool.stats().in_use, 1u);
    const auto start = Clock::now();
    try {
      co_await pool.query("SELECT 1");
      ADD_FAILURE() << "expected OverloadedError";
    } catch (const OverloadedError&) {
    }
    EXPECT_GE(Clock::now() - start, 190ms);
    EXPECT_EQ(pool.stats().waiting, 0u);
  }());
  // The lease came back: the pool serves again.
  EXPECT_TRUE(run(pool.ping()));
}

TEST_F(PoolTest, WaiterQueueIsBounded) {
  Pool pool(io.get_executor(),
            {.dsn = dsn(), .max_size = 1, .acquire_timeout = 2s, .max_waiters = 1, .name = "bounded"});
  run([&]() -> asio::awaitable<void> {
    Lease held = co_await pool.acquire();
    auto ex = co_await asio::this_coro::executor;
    // First waiter queues; it gets the connection once `held` is released.
    auto first = asio::co_spawn(ex, pool.query("SELECT 'first'"), asio::use_future);
    co_await sleep_for(50ms);
    EXPECT_EQ(pool.stats().waiting, 1u);
    const auto start = Clock::now();
    try {
      co_await pool.query("SELECT 'second'");
      ADD_FAILURE() << "expected OverloadedError";
    } catch (const OverloadedError&) {
    }
    EXPECT_LT(Clock::now() - start, 100ms);  // rejected at once, not after acquire_timeout
    held = Lease();                          // hand the connection to the first waiter
    co_await sleep_for(200ms);
    EXPECT_EQ(first.wait_for(0s), std::future_status::ready);
    EXPECT_EQ(first.get().get<std::string>(0, 0), "first");
  }());
  EXPECT_EQ(pool.stats().size, 1u);
}

TEST_F(PoolTest, ManyConcurrentQueriesShareABoundedPool) {
  Pool pool(io.get_executor(), options(4));
  std::atomic<int> ok{0};
  std::vector<std::future<void>> done;
  for (int i = 0; i < 300; ++i) {
    done.push_back(asio::co_spawn(
        io,
        [&pool, &ok, i]() -> asio::awaitable<void> {
          Result r = co_await pool.query("SELECT $1::int * 2", {i});
          if (r.get<int>(0, 0) == i * 2) ++ok;
        },
        asio::use_future));
  }
  drain();
  for (auto& f : done) EXPECT_NO_THROW(f.get());
  EXPECT_EQ(ok.load(), 300);
  const PoolStats stats = pool.stats();
  EXPECT_LE(stats.size, 4u);
  EXPECT_EQ(stats.in_use, 0u);
  EXPECT_EQ(stats.waiting, 0u);
}

TEST_F(PoolTest, LeaseKeepsSessionStateOnOneConnection) {
  Pool pool(io.get_executor(), options(4));
  run([&]() -> asio::awaitable<void> {
    Lease lease = co_await pool.acquire();
    co_await lease.query("SELECT pg_advisory_lock($1)", {std::int64_t{4242}});
    // Another session cannot take the lock while the lease holds it.
    Result other = co_await pool.query("SELECT pg_try_advisory_lock($1)", {std::int64_t{4242}});
    EXPECT_FALSE(other.get<bool>(0, 0));
    Result pid1 = co_await lease.query("SELECT pg_backend_pid()");
    Result pid2 = co_await lease.query("SELECT pg_backend_pid()");
    EXPECT_EQ(pid1.get<int>(0, 0), pid2.get<int>(0, 0));
    co_await lease.query("SELECT pg_advisory_unlock($1)", {std::int64_t{4242}});
  }());
}

TEST_F(PoolTest, ReconnectsAfterServerRestart) {
  Pool pool(io.get_executor(), options(4));
  // Open a few connections so that stale idle ones exist after the restart.
  run([&]() -> asio::awaitable<void> {
    Lease a = co_await pool.acquire();
    Lease b = co_await pool.acquire();
    co_await a.query("SELECT 1");
    co_await b.query("SELECT 1");
  }());
  EXPECT_EQ(pool.stats().idle, 2u);

  stack().stop("postgres");
  EXPECT_THROW(run(pool.query("SELECT 1")), UnavailableError);
  EXPECT_FALSE(run(pool.ping()));
  stack().start("postgres");

  EXPECT_EQ(run(pool.query("SELECT $1::text", {"back"})).get<std::string>(0, 0), "back");
  EXPECT_TRUE(run(pool.ping()));
  EXPECT_EQ(pool.stats().in_use, 0u);
}

TEST_F(PoolTest, ConnectionLostMidQueryIsUnavailable) {
  Pool pool(io.get_executor(), options(2));
  Pool killer(io.get_executor(), options(1));
  run([&]() -> asio::awaitable<void> {
    Lease lease = co_await pool.acquire();
    const int pid = (co_await lease.query("SELECT pg_backend_pid()")).get<int>(0, 0);
    co_await killer.query("SELECT pg_terminate_backend($1)", {pid});
    co_await sleep_for(50ms);
    try {
      co_await lease.query("SELECT 1");
      ADD_FAILURE() << "expected UnavailableError";
    } catch (const UnavailableError&) {
    }
  }());
  EXPECT_EQ(pool.stats().size, 0u);  // the dead connection was dropped, not pooled
  EXPECT_TRUE(run(pool.ping()));
}

}  // namespace
}  // namespace uitgo::pg::test
