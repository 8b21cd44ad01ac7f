#include "core/base/async.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

using namespace uitgo;

namespace {

template <typename T>
T run(awaitable<T> op) {
  asio::io_context io;
  std::exception_ptr failure;
  std::optional<T> value;
  asio::co_spawn(io, std::move(op), [&](std::exception_ptr e, T v) {
    failure = e;
    if (!e) value = std::move(v);
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*value);
}

awaitable<int> sleep_then(Millis delay, int value) {
  asio::steady_timer t(co_await asio::this_coro::executor, delay);
  co_await t.async_wait(use_awaitable);
  co_return value;
}

awaitable<int> fail_now() {
  throw std::invalid_argument("bad input");
  co_return 0;
}

awaitable<void> fail_now_void() {
  throw std::invalid_argument("bad input");
  co_return;
}

}  // namespace

TEST(WithDeadline, ReturnsTheValueOfAFastOperation) {
  EXPECT_EQ(run(with_deadline(sleep_then(Millis(1), 7), std::chrono::seconds(30), "op")), 7);
}

TEST(WithDeadline, SlowOperationTimesOutNamingIt) {
  try {
    run(with_deadline(sleep_then(std::chrono::hours(1), 7), Millis(10), "postgres"));
    FAIL() << "expected TimeoutError";
  } catch (const TimeoutError& e) {
    EXPECT_STREQ(e.what(), "postgres timed out");
  }
}

TEST(WithDeadline, FailureKeepsItsOwnTypeInsteadOfBecomingATimeout) {
  // A one-hour deadline: had the failure been swallowed, the test would hang
  // until ctest's timeout instead of seeing invalid_argument.
  EXPECT_THROW(run(with_deadline(fail_now(), std::chrono::hours(1), "op")), std::invalid_argument);
  auto void_op = [] { return with_deadline(fail_now_void(), std::chrono::hours(1), "op"); };
  EXPECT_THROW(run([&]() -> awaitable<int> {
                 co_await void_op();
                 co_return 0;
               }()),
               std::invalid_argument);
}
