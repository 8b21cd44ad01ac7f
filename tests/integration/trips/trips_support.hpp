// Shared by the trip-service test binaries: one trip-service (no gateway, no
// real driver-service: a FakeService answers on driver-service's port) and a
// test consumer of the matching stream.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "queue/redis_stream_queue.hpp"
#include "support/api.hpp"
#include "support/eventually.hpp"
#include "support/ids.hpp"
#include "support/json.hpp"
#include "support/test_stack.hpp"
#include "trips/fake_service.hpp"
#include "trips/trip_api.hpp"

namespace uitgo::test::trips {

using namespace std::chrono_literals;

// The servers of a trips test binary: a FakeService on driver-service's port
// and Postgres + Redis + trip-service; `env` adds variables for trip-service.
struct TripServers {
  explicit TripServers(Env env)
      : stack(StackOptions{.postgres = true, .redis = true, .env = with_driver_port(std::move(env))}) {
    stack.start("trip-service");
  }

  FakeService driver_service;
  TestStack stack;

 private:
  Env with_driver_port(Env env) const {
    env.emplace_back("UITGO_DRIVER_PORT", std::to_string(driver_service.port()));
    return env;
  }
};

// What every trips test binary builds once: the servers, and calls to
// trip-service directly.
struct Harness : TripServers, Api {
  explicit Harness(Env env) : TripServers(std::move(env)), Api(stack, stack.trip_port) {}
};

// Reads the matching stream as a matcher would (group "matchers"), through
// the MatchQueue. Messages of other trips are acknowledged and kept aside.
class StreamReader {
 public:
  explicit StreamReader(const TestStack& stack, std::string stream = "trip:match")
      : shared_(io_.get_executor(), redis::Options::from_url(stack.redis_url())),
        queue_(io_.get_executor(), shared_, redis::Options::from_url(stack.redis_url()),
               queue::RedisQueueOptions{.stream = std::move(stream), .group = "matchers", .consumer = "test-reader"}) {
    thread_ = std::thread([this] { io_.run(); });
  }
  ~StreamReader() {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  StreamReader(const StreamReader&) = delete;
  StreamReader& operator=(const StreamReader&) = delete;

  // The first event of `trip_id` (optionally with this attempt) within `timeout`.
  std::optional<json::object> wait_for(const std::string& trip_id, std::optional<int> attempt = std::nullopt,
                                       std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto found = take(trip_id, attempt)) return found;
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      receive_batch();
    }
  }

  std::int64_t stream_length() {
    return asio::co_spawn(io_, shared_.command({"XLEN", "trip:match"}), asio::use_future).get().as_int();
  }

 private:
  // Removes and returns the first event seen so far for the trip (and attempt).
  std::optional<json::object> take(const std::string& trip_id, std::optional<int> attempt) {
    for (auto it = seen_.begin(); it != seen_.end(); ++it) {
      if (str(*it, "tripId") == trip_id && (!attempt || it->at("attempt").as_int64() == *attempt)) {
        auto found = *it;
        seen_.erase(it);
        return found;
      }
    }
    return std::nullopt;
  }

  // Waits up to 200 ms for messages; acknowledges and keeps each.
  void receive_batch() {
    auto got = asio::co_spawn(io_, queue_.receive(50, 200ms), asio::use_future).get();
    for (const auto& m : got) {
      asio::co_spawn(io_, queue_.ack(m), asio::use_future).get();
      try {
        seen_.push_back(json::parse(m.body).as_object());
      } catch (const std::exception&) {
        ADD_FAILURE() << "not a TripEvent: " << m.body;
      }
    }
  }

  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{std::in_place, io_.get_executor()};
  redis::Client shared_;
  queue::RedisStreamQueue queue_;
  std::thread thread_;
  std::vector<json::object> seen_;
};

}  // namespace uitgo::test::trips
