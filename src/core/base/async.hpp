// Shared coroutine vocabulary: every asynchronous API in UIT-Go returns
// uitgo::awaitable<T> and bounds its outbound calls with with_deadline().
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <string>
#include <variant>

#include "core/base/errors.hpp"

namespace uitgo {

namespace asio = boost::asio;
template <typename T = void>
using awaitable = asio::awaitable<T>;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

// Races `op` against a timer. When the timer wins, `op` is cancelled (its
// pending Asio operations complete with operation_aborted) and TimeoutError
// is thrown naming `what`, so callers can tell which dependency was slow.
template <typename T>
awaitable<T> with_deadline(awaitable<T> op, Clock::duration limit, std::string what) {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor, limit);
  auto result = co_await (std::move(op) || timer.async_wait(use_awaitable));
  if (result.index() == 1) throw TimeoutError(what + " timed out");
  if constexpr (std::is_void_v<T>) {
    co_return;
  } else {
    co_return std::move(std::get<0>(result));
  }
}

}  // namespace uitgo
