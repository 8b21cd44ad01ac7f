#include "core/service/periodic_task.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>

namespace uitgo::service {
namespace {

// An io_context run by two threads for the life of a test, so passes, waits
// and the test's own calls interleave as they do in a service.
class Loop {
 public:
  Loop() : guard_(io_.get_executor()) {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~Loop() {
    guard_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
  }
  asio::any_io_executor executor() { return io_.get_executor(); }

  // Runs `op` on the loop and waits for it; rethrows its failure.
  template <typename F>
  void await(F make) {
    asio::co_spawn(io_, make(), asio::use_future).get();
  }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
};

awaitable<void> pause(Millis d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(use_awaitable);
}

const Millis kLong{3'600'000};  // a period no test waits for

TEST(PeriodicTask, RunNowRunsOnePassAndWaitsForIt) {
  Loop loop;
  metrics::Registry metrics;
  std::atomic<int> passes{0};
  PeriodicTask task(loop.executor(), metrics, {.name = "t", .period = kLong}, [&]() -> awaitable<void> {
    co_await pause(Millis(20));
    ++passes;
  });
  task.start();
  loop.await([&] { return task.run_now(); });
  EXPECT_EQ(passes.load(), 1) << "the pass finished before run_now returned";
  loop.await([&] { return task.run_now(); });
  EXPECT_EQ(passes.load(), 2);
  EXPECT_EQ(task.passes(), 2);
  loop.await([&] { return task.stop(); });
}

TEST(PeriodicTask, RunNowWithoutALoopRunsThePassItself) {
  Loop loop;
  metrics::Registry metrics;
  int passes = 0;
  PeriodicTask task(loop.executor(), metrics, {.name = "t", .period = kLong}, [&]() -> awaitable<void> {
    ++passes;
    co_return;
  });
  loop.await([&] { return task.run_now(); });
  EXPECT_EQ(passes, 1);
}

TEST(PeriodicTask, PassesNeverOverlap) {
  Loop loop;
  metrics::Registry metrics;
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> passes{0};
  PeriodicTask task(loop.executor(), metrics, {.name = "t", .period = Millis(1)}, [&]() -> awaitable<void> {
    if (inside.fetch_add(1) > 0) ++overlaps;
    co_await pause(Millis(2));
    inside.fetch_sub(1);
    ++passes;
  });
  task.start();
  std::vector<std::thread> callers;
  for (int i = 0; i < 4; ++i) {
    callers.emplace_back([&] {
      for (int j = 0; j < 5; ++j) loop.await([&] { return task.run_now(); });
    });
  }
  for (auto& c : callers) c.join();
  loop.await([&] { return task.stop(); });
  EXPECT_EQ(overlaps.load(), 0);
  // Callers waiting at the same time may share a pass; each caller's five
  // calls in a row need five passes.
  EXPECT_GE(passes.load(), 5);
}

TEST(PeriodicTask, WakeStartsTheNextPassAtOnce) {
  Loop loop;
  metrics::Registry metrics;
  std::atomic<int> passes{0};
  PeriodicTask task(loop.executor(), metrics, {.name = "t", .period = kLong, .first_delay = Millis(0)},
                    [&]() -> awaitable<void> {
                      ++passes;
                      co_return;
                    });
  task.start();
  const auto waited_for = [&](int n) {
    for (int i = 0; i < 500 && passes.load() < n; ++i) std::this_thread::sleep_for(Millis(10));
    return passes.load() >= n;
  };
  ASSERT_TRUE(waited_for(1)) << "first_delay 0: a pass at start";
  task.wake();
  EXPECT_TRUE(waited_for(2)) << "woken long before its hour-long period";
  loop.await([&] { return task.stop(); });
}

TEST(PeriodicTask, AFailedPassIsReportedAndCounted) {
  Loop loop;
  metrics::Registry metrics;
  PeriodicTask task(loop.executor(), metrics, {.name = "failing", .period = kLong}, []() -> awaitable<void> {
    throw std::runtime_error("boom");
    co_return;
  });
  task.start();
  EXPECT_THROW(loop.await([&] { return task.run_now(); }), std::runtime_error);
  EXPECT_EQ(metrics.counter("background_task_runs_total", "", {{"task", "failing"}, {"outcome", "error"}}).value(), 1U);
  EXPECT_EQ(metrics.counter("background_task_runs_total", "", {{"task", "failing"}, {"outcome", "ok"}}).value(), 0U);
  loop.await([&] { return task.stop(); });
}

TEST(PeriodicTask, FailuresBackOffUpToTheMaximum) {
  Loop loop;
  metrics::Registry metrics;
  std::atomic<int> passes{0};
  std::vector<Clock::time_point> starts;
  std::mutex mutex;
  PeriodicTask task(loop.executor(), metrics,
                    {.name = "t",
                     .period = Millis(0),
                     .first_delay = Millis(0),
                     .error_backoff = ErrorBackoff{.base = Millis(20), .max = Millis(80)}},
                    [&]() -> awaitable<void> {
                      {
                        std::lock_guard lock(mutex);
                        starts.push_back(Clock::now());
                      }
                      ++passes;
                      throw std::runtime_error("down");
                      co_return;
                    });
  task.start();
  for (int i = 0; i < 500 && passes.load() < 6; ++i) std::this_thread::sleep_for(Millis(10));
  loop.await([&] { return task.stop(); });
  std::lock_guard lock(mutex);
  ASSERT_GE(starts.size(), 6U);
  // Waits of 20, 40, 80, 80, 80 ms: never back to back, and capped.
  const auto gap = [&](std::size_t i) { return std::chrono::duration_cast<Millis>(starts[i] - starts[i - 1]); };
  EXPECT_GE(gap(1), Millis(20));
  EXPECT_GE(gap(2), Millis(40));
  EXPECT_GE(gap(3), Millis(80));
  EXPECT_GE(gap(5), Millis(80));
}

TEST(PeriodicTask, StopWaitsForThePassAndRunsTheFinalPass) {
  Loop loop;
  metrics::Registry metrics;
  std::atomic<int> passes{0};
  std::atomic<bool> in_pass{false};
  PeriodicTask task(loop.executor(), metrics,
                    {.name = "flush", .period = Millis(0), .first_delay = Millis(0), .final_pass = true},
                    [&]() -> awaitable<void> {
                      in_pass = true;
                      co_await pause(Millis(30));
                      ++passes;
                      in_pass = false;
                    });
  task.start();
  for (int i = 0; i < 500 && passes.load() < 1; ++i) std::this_thread::sleep_for(Millis(5));
  loop.await([&] { return task.stop(); });
  const int after_stop = passes.load();
  EXPECT_FALSE(in_pass.load()) << "stop returned while a pass was running";
  std::this_thread::sleep_for(Millis(100));
  EXPECT_EQ(passes.load(), after_stop) << "no pass after stop";
  EXPECT_TRUE(task.stopping());
  EXPECT_THROW(loop.await([&] { return task.run_now(); }), std::runtime_error) << "a stopped task runs nothing";
}

}  // namespace
}  // namespace uitgo::service
