// Shared by the pg integration tests: the one TestStack of this binary and a
// fixture that runs coroutines on a two-thread io_context, so the pool's
// bookkeeping is exercised across threads as in the services.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "core/pg/pool.hpp"
#include "support/test_stack.hpp"

namespace uitgo::pg::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

uitgo::test::TestStack& stack();  // started once for the binary in pg_stack.cpp

inline std::string dsn() { return stack().dsn("user_db"); }

class PgTest : public ::testing::Test {
 protected:
  Options options(std::size_t max_size = 4) { return {.dsn = dsn(), .max_size = max_size, .name = "test_pg"}; }

  // Runs `op` to completion on two threads and returns its value (or rethrows).
  template <typename T>
  T run(asio::awaitable<T> op) {
    auto result = asio::co_spawn(io, std::move(op), asio::use_future);
    drain();
    return result.get();
  }

  // Runs everything already spawned on `io` to completion, on two threads.
  void drain() {
    std::thread helper([this] { io.run(); });
    io.run();
    helper.join();
    io.restart();
  }

  asio::io_context io;
};

}  // namespace uitgo::pg::test
