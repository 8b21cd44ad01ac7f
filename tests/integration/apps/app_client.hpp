// The original apps as the integration tests replay them: one install of an
// app (its stored tokens) calling the gateway the way its Dart code does
// (Dio): Authorization: Bearer on every request once a token is stored,
// Content-Type only with a body, and on a 401 one POST /auth/refresh and one
// retry of the request. Bodies are written as jsonEncode writes them
// (`10.8705`, `106.0`, keys in the Dart map's order), so the tests pass them
// as JSON text. Plus checks of what the apps' models cast: `as String?`,
// `as int?`, `as num?`, `as List`, and no number written in exponent form.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>

#include <string>
#include <string_view>
#include <vector>

#include "support/api.hpp"
#include "support/http_client.hpp"
#include "support/json.hpp"

namespace uitgo::test::apps {

namespace json = boost::json;

// Whether a JSON text writes every number the way people do (10.7003, 5.0,
// 50000): no exponent (Boost's own writer gave 1.07003E1).
inline bool plain_numbers(std::string_view text) {
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if ((c == 'e' || c == 'E') && i > 0 && text[i - 1] >= '0' && text[i - 1] <= '9') return false;
  }
  return true;
}

// What a Dart cast accepts.
inline bool is_dart_string(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string();
}
inline bool is_dart_nullable_string(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v == nullptr || v->is_null() || v->is_string();
}
inline bool is_dart_int(const json::object& o, std::string_view key) {  // `as int` (a JSON integer)
  const auto* v = o.if_contains(key);
  return v != nullptr && (v->is_int64() || v->is_uint64());
}
inline bool is_dart_num(const json::object& o, std::string_view key) {  // `as num`
  const auto* v = o.if_contains(key);
  return v != nullptr && (v->is_int64() || v->is_uint64() || v->is_double());
}
inline bool is_dart_nullable_num(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v == nullptr || v->is_null() || v->is_int64() || v->is_uint64() || v->is_double();
}
// DateTime.tryParse of an RFC 3339 UTC text.
inline bool is_timestamp(const json::object& o, std::string_view key) {
  if (!is_dart_string(o, key)) return false;
  const std::string s(o.at(key).as_string());
  return s.size() >= 20 && s[4] == '-' && s[10] == 'T' && s.back() == 'Z';
}

inline double number(const json::value& v) {
  if (v.is_double()) return v.as_double();
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  return std::nan("");
}

class AppClient {
 public:
  AppClient(const Api& gateway, std::string name) : gateway_(gateway), name_(std::move(name)) {}

  // The session fields the apps persist from a login / register / refresh answer.
  void persist(const json::object& session) {
    access_token = str(session, "accessToken");
    refresh_token = str(session, "refreshToken");
    user_id = str(session, "id");
  }

  // One request as Dio sends it; a 401 triggers the interceptor's refresh and
  // one retry (unless `skip_refresh`). `refreshes` counts the refreshes made.
  HttpResponse send(const std::string& method, const std::string& path, const std::string& body = {},
                    bool skip_refresh = false) {
    auto r = raw(method, path, body);
    if (r.status != 401 || skip_refresh || refresh_token.empty()) return r;
    if (!refresh()) return r;
    return raw(method, path, body);
  }

  // AuthService.refreshSession(): POST /auth/refresh {"refreshToken": ...}.
  bool refresh() {
    ++refreshes;
    const auto r = raw("POST", "/auth/refresh", R"({"refreshToken":")" + refresh_token + R"("})");
    if (r.status != 200) return false;
    persist(body_of(r));
    return true;
  }

  // Every body this client received, for the number-format check.
  bool every_answer_has_plain_numbers() const {
    for (const auto& b : bodies_) {
      if (!plain_numbers(b)) {
        ADD_FAILURE() << name_ << ": a number in exponent form: " << b.substr(0, 300);
        return false;
      }
    }
    return true;
  }

  std::string access_token;
  std::string refresh_token;
  std::string user_id;
  int refreshes = 0;

 private:
  HttpResponse raw(const std::string& method, const std::string& path, const std::string& body) {
    Headers headers;
    if (!access_token.empty()) headers.emplace_back("Authorization", "Bearer " + access_token);
    auto r = http_request(gateway_.port(), method, path, body, headers);
    bodies_.push_back(r.body);
    return r;
  }

  const Api& gateway_;
  std::string name_;
  std::vector<std::string> bodies_;
};

// The answer as a JSON array (what `as List<dynamic>` accepts); a test failure otherwise.
inline json::array array_of(const HttpResponse& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  EXPECT_FALSE(ec) << r.body;
  EXPECT_TRUE(!ec && v.is_array()) << "not a JSON array: " << r.body.substr(0, 200);
  return !ec && v.is_array() ? v.as_array() : json::array{};
}

}  // namespace uitgo::test::apps
