// Shared coroutine vocabulary: every asynchronous API in UIT-Go returns
// uitgo::awaitable<T> and bounds its outbound calls with with_deadline().
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/base/errors.hpp"

namespace uitgo {

namespace asio = boost::asio;
template <typename T = void>
using awaitable = asio::awaitable<T>;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

namespace detail {

// The outcome of an operation, success or failure, as a value: awaitable
// operator|| waits for the first *successful* operand, so a failing operation
// must not be allowed to look like "still running" until the timer fires.
template <typename T>
struct Outcome {
  std::exception_ptr error;
  std::optional<T> value;
};
template <>
struct Outcome<void> {
  std::exception_ptr error;
};

template <typename T>
awaitable<Outcome<T>> capture(awaitable<T> op) {
  Outcome<T> out;
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(op);
    } else {
      out.value.emplace(co_await std::move(op));
    }
  } catch (...) {
    out.error = std::current_exception();
  }
  co_return out;
}

}  // namespace detail

// Races `op` against a timer. When the timer wins, `op` is cancelled (its
// pending Asio operations complete with operation_aborted) and TimeoutError
// is thrown naming `what`, so callers can tell which dependency was slow.
// When `op` fails first, its own exception propagates at once.
template <typename T>
awaitable<T> with_deadline(awaitable<T> op, Clock::duration limit, std::string what) {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor, limit);
  // Named, not a temporary inside co_await: GCC 12 can destroy such
  // temporaries twice.
  auto race = detail::capture(std::move(op)) || timer.async_wait(use_awaitable);
  auto result = co_await std::move(race);
  if (result.index() == 1) throw TimeoutError(what + " timed out");
  auto& outcome = std::get<0>(result);
  if (outcome.error) std::rethrow_exception(outcome.error);
  if constexpr (!std::is_void_v<T>) co_return std::move(*outcome.value);
}

// Runs make(0) ... make(n - 1) interleaved and waits for all of them, then
// rethrows the first failure. They share one strand: their waits overlap
// (a Redis client pipelines their commands) but no two run at once, so they
// may touch shared state. make(i) must return awaitable<void>.
template <typename Make>
awaitable<void> concurrently(std::size_t n, Make make) {
  if (n == 0) co_return;
  auto strand = asio::make_strand(co_await asio::this_coro::executor);
  using Op = decltype(asio::co_spawn(strand, make(std::size_t{0}), asio::deferred));
  std::vector<Op> ops;
  ops.reserve(n);
  for (std::size_t i = 0; i < n; ++i) ops.push_back(asio::co_spawn(strand, make(i), asio::deferred));
  auto group = asio::experimental::make_parallel_group(std::move(ops));
  auto result = co_await group.async_wait(asio::experimental::wait_for_all(), use_awaitable);
  for (const auto& error : std::get<1>(result)) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace uitgo
