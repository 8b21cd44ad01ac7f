#include "support/api.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "support/ids.hpp"

namespace uitgo::test {

Body::Body(const boost::json::object& json) : text_(boost::json::serialize(json)) {}

Body::Body(const boost::json::value& json) : text_(json.is_null() ? std::string() : boost::json::serialize(json)) {}

Api::Api(const TestStack& stack, std::uint16_t port)
    : stack_(&stack), port_(port), jwt_(stack.jwt_secret()), internal_token_(stack.internal_token()) {}

User Api::user(const std::string& role) const {
  User u{new_uuid(), role, {}};
  u.token = token(u.id, role);
  return u;
}

std::string Api::token(const std::string& role) const { return token(new_uuid(), role); }

std::string Api::token(const std::string& user_id, const std::string& role) const { return jwt_.issue(user_id, role); }

HttpResponse Api::call(const std::string& method, const std::string& path, const Caller& as, const Body& body,
                       Headers headers) const {
  if (!as.token().empty()) headers.emplace_back("Authorization", "Bearer " + as.token());
  return http_request(port_, method, path, body.text(), headers);
}

HttpResponse Api::internal(const std::string& method, const std::string& path, const Body& body) const {
  return http_request(port_, method, path, body.text(), {{"X-Internal-Token", internal_token_}});
}

Rows Api::sql(std::string_view database, const std::string& query) const {
  return test::sql(stack_->dsn(database), query);
}

std::string Api::scalar(std::string_view database, const std::string& query) const {
  return test::scalar(stack_->dsn(database), query);
}

void Api::run_task(const std::string& name) const {
  const auto r = internal("POST", "/internal/tasks/" + name + "/run");
  EXPECT_EQ(r.status, 200) << "task " << name << " on port " << port_ << ": " << r.body;
}

}  // namespace uitgo::test
