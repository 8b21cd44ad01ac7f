// Calls to one server of a TestStack (the gateway or a service) as any user:
// access tokens minted with the stack's secret, internal calls with its
// internal token, SQL on its databases.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/auth/jwt.hpp"
#include "support/http_client.hpp"
#include "support/sql.hpp"
#include "support/test_stack.hpp"

namespace uitgo::test {

struct User {
  std::string id;
  std::string role;
  std::string token;  // an access token for id and role
};

// Who a call is made as: a user, a bare access token, or nobody ({}, nullptr).
class Caller {
 public:
  Caller() = default;
  Caller(std::nullptr_t) {}
  Caller(const User& user) : token_(user.token) {}
  Caller(const User* user) : token_(user != nullptr ? user->token : std::string()) {}
  Caller(std::string token) : token_(std::move(token)) {}
  Caller(const char* token) : token_(token) {}

  const std::string& token() const { return token_; }

 private:
  std::string token_;
};

// A request body: JSON (serialized here) or text as it is; none by default.
class Body {
 public:
  Body() = default;
  Body(std::string text) : text_(std::move(text)) {}
  Body(const char* text) : text_(text) {}
  Body(const boost::json::object& json);
  Body(const boost::json::value& json);  // null: no body

  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

class Api {
 public:
  Api(const TestStack& stack, std::uint16_t port);

  std::uint16_t port() const { return port_; }

  // A fresh user (new random id) of `role`, with a token.
  User user(const std::string& role) const;
  // A token for a fresh user of `role`, or for `user_id`.
  std::string token(const std::string& role) const;
  std::string token(const std::string& user_id, const std::string& role) const;
  const std::string& internal_token() const { return internal_token_; }

  // `method path` as `as` (Authorization: Bearer), with extra `headers`.
  HttpResponse call(const std::string& method, const std::string& path, const Caller& as = {}, const Body& body = {},
                    Headers headers = {}) const;
  // `method path` with the X-Internal-Token of the stack (service to service).
  HttpResponse internal(const std::string& method, const std::string& path, const Body& body = {}) const;

  // Runs one pass of the background task `name` of this server now
  // (POST /internal/tasks/{name}/run) and waits for it: tests trigger the
  // work they wait for instead of sleeping through its period. Fails the
  // test unless the pass ran and succeeded.
  void run_task(const std::string& name) const;

  // SQL on one of the stack's databases (user_db, trip_db, driver_db).
  Rows sql(std::string_view database, const std::string& query) const;
  std::string scalar(std::string_view database, const std::string& query) const;

 private:
  const TestStack* stack_;
  std::uint16_t port_;
  auth::Jwt jwt_;
  std::string internal_token_;
};

}  // namespace uitgo::test
