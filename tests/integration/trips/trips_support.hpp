// Shared by the trip-service test binaries: one trip-service (no gateway, no
// real driver-service: a FakeService answers on driver-service's port), tokens,
// SQL checks and a test consumer of the matching stream.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/auth/jwt.hpp"
#include "queue/redis_stream_queue.hpp"
#include "support/http_client.hpp"
#include "support/test_stack.hpp"
#include "trips/fake_service.hpp"

namespace uitgo::test::trips {

namespace json = boost::json;
using namespace std::chrono_literals;

inline std::string random_uuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* hex = "0123456789abcdef";
  std::string s(36, '0');
  for (int i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      s[i] = '-';
    } else {
      s[i] = hex[rng() % 16];
    }
  }
  s[14] = '4';
  return s;
}

struct User {
  std::string id;
  std::string role;
  std::string token;
};

// The pieces every trips test binary builds once.
struct Harness {
  std::unique_ptr<FakeService> driver_service;
  std::unique_ptr<TestStack> stack;

  // Starts Postgres + Redis + trip-service; `env` adds variables for trip-service.
  explicit Harness(std::vector<std::pair<std::string, std::string>> env) {
    driver_service = std::make_unique<FakeService>();
    env.emplace_back("UITGO_DRIVER_PORT", std::to_string(driver_service->port()));
    stack = std::make_unique<TestStack>(
        StackOptions{.postgres = true, .redis = true, .services = false, .nginx = false, .env = std::move(env)});
    stack->start("trip-service");
  }

  User user(const std::string& role) const {
    User u{random_uuid(), role, ""};
    u.token = uitgo::auth::Jwt(stack->jwt_secret()).issue(u.id, role);
    return u;
  }

  HttpResponse call(const std::string& method, const std::string& path, const User* as = nullptr,
                    const json::value& body = nullptr, Headers headers = {}) const {
    if (as != nullptr) headers.emplace_back("Authorization", "Bearer " + as->token);
    return http_request(stack->trip_port, method, path, body.is_null() ? "" : json::serialize(body), headers);
  }

  HttpResponse internal(const std::string& method, const std::string& path, const json::value& body = nullptr) const {
    Headers headers{{"X-Internal-Token", stack->internal_token()}};
    return http_request(stack->trip_port, method, path, body.is_null() ? "" : json::serialize(body), headers);
  }

  // Runs SQL on trip_db; every row as a vector of text cells (NULL as "<null>").
  std::vector<std::vector<std::string>> sql(const std::string& query) const {
    PGconn* conn = PQconnectdb(stack->dsn("trip_db").c_str());
    PGresult* res = PQexec(conn, query.c_str());
    std::vector<std::vector<std::string>> rows;
    if (PQresultStatus(res) == PGRES_TUPLES_OK) {
      for (int r = 0; r < PQntuples(res); ++r) {
        std::vector<std::string> row;
        for (int c = 0; c < PQnfields(res); ++c) {
          row.emplace_back(PQgetisnull(res, r, c) ? "<null>" : PQgetvalue(res, r, c));
        }
        rows.push_back(std::move(row));
      }
    } else {
      ADD_FAILURE() << "SQL failed: " << query << ": " << PQerrorMessage(conn);
    }
    PQclear(res);
    PQfinish(conn);
    return rows;
  }
  std::string scalar(const std::string& query) const {
    const auto rows = sql(query);
    return rows.empty() || rows[0].empty() ? "" : rows[0][0];
  }
};

inline json::object body_of(const HttpResponse& r) {
  try {
    return json::parse(r.body).as_object();
  } catch (const std::exception&) {
    ADD_FAILURE() << "not a JSON object: " << r.status << " " << r.body;
    return {};
  }
}
inline std::string str(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return (v != nullptr && v->is_string()) ? std::string(v->as_string()) : std::string();
}

inline json::object trip_body(const std::string& tag = "A", bool coordinates = true) {
  json::object b{{"originText", "Origin " + tag}, {"destText", "Destination " + tag}, {"serviceId", "car"}};
  if (coordinates) {
    b["originLat"] = 10.7725;
    b["originLng"] = 106.698;
    b["destLat"] = 10.8185;
    b["destLng"] = 106.6588;
  }
  return b;
}

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

  // The first event of `trip_id` (optionally with this attempt) within `timeout`.
  std::optional<json::object> wait_for(const std::string& trip_id, std::optional<int> attempt = std::nullopt,
                                       std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      for (auto it = seen_.begin(); it != seen_.end(); ++it) {
        if (str(*it, "tripId") == trip_id && (!attempt || it->at("attempt").as_int64() == *attempt)) {
          auto found = *it;
          seen_.erase(it);
          return found;
        }
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
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
  }
  std::int64_t stream_length() {
    return asio::co_spawn(io_, shared_.command({"XLEN", "trip:match"}), asio::use_future).get().as_int();
  }

 private:
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{std::in_place, io_.get_executor()};
  redis::Client shared_;
  queue::RedisStreamQueue queue_;
  std::thread thread_;
  std::vector<json::object> seen_;
};

}  // namespace uitgo::test::trips
