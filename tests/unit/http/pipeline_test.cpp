#include "core/http/pipeline.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include "core/base/metrics.hpp"
#include "core/base/rate_limit.hpp"

using namespace uitgo;
using http::Request;
using http::Response;

namespace {

// Accepts "Bearer rider-1" style tokens: role-id.
class FakeAuthenticator : public http::Authenticator {
 public:
  http::Principal authenticate(const Request& r) const override {
    const auto token = http::bearer_token(r);
    const auto dash = token.find('-');
    if (token.empty() || dash == std::string_view::npos) throw DomainError::unauthenticated("bad token");
    return {std::string(token.substr(dash + 1)), std::string(token.substr(0, dash))};
  }
};

struct Fixture {
  http::Router router;
  metrics::Registry registry;
  std::unique_ptr<http::Pipeline> pipeline;

  Fixture() {
    router.add("GET", "/public", [](Request&) -> awaitable<Response> {
      co_return Response::json(200, {{"ok", true}});
    });
    router.add(
        "GET", "/admin",
        [](Request& r) -> awaitable<Response> {
          co_return Response::json(200, {{"who", r.caller().user_id}});
        },
        http::Access::roles_of({"admin"}));
    router.add("GET", "/boom", [](Request&) -> awaitable<Response> {
      throw std::runtime_error("secret detail");
      co_return Response::no_content();
    });
    router.add("GET", "/slow-db", [](Request&) -> awaitable<Response> {
      throw TimeoutError("postgres timed out");
      co_return Response::no_content();
    });
    router.add(
        "POST", "/internal/thing",
        [](Request& r) -> awaitable<Response> {
          co_return Response::json(200, {{"user", r.principal.has_value()}});
        },
        http::Access::internal_only());
    pipeline = std::make_unique<http::Pipeline>(router, std::make_shared<FakeAuthenticator>());
    pipeline->use(http::request_id_middleware());
    pipeline->use(http::access_log_middleware(registry));
    pipeline->use(http::error_mapping_middleware());
  }

  Response call(std::string method, std::string path, std::vector<std::pair<std::string, std::string>> headers = {}) {
    asio::io_context io;
    Request request{.method = std::move(method), .path = std::move(path), .headers = std::move(headers)};
    Response out;
    asio::co_spawn(io, pipeline->handle(request), [&](std::exception_ptr e, Response r) {
      if (e) std::rethrow_exception(e);
      out = std::move(r);
    });
    io.run();
    return out;
  }
};

std::string header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

std::string code_of(const Response& r) { return std::string(boost::json::parse(r.body).at("code").as_string()); }

}  // namespace

TEST(Pipeline, RoutesAndTagsResponseWithRequestId) {
  Fixture f;
  const auto r = f.call("GET", "/public", {{"x-request-id", "abc-123"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(header(r, "X-Request-Id"), "abc-123");
  EXPECT_EQ(header(f.call("GET", "/public"), "X-Request-Id").size(), 32u);
}

TEST(Pipeline, UnknownRouteIs404Json) {
  Fixture f;
  const auto r = f.call("GET", "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(code_of(r), "not_found");
  EXPECT_FALSE(header(r, "X-Request-Id").empty());
}

TEST(Pipeline, WrongMethodIs405WithAllow) {
  Fixture f;
  const auto r = f.call("POST", "/public");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(code_of(r), "method_not_allowed");
  EXPECT_EQ(header(r, "Allow"), "GET");
}

TEST(Pipeline, AuthenticationAndRoles) {
  Fixture f;
  EXPECT_EQ(f.call("GET", "/admin").status, 401);
  EXPECT_EQ(f.call("GET", "/admin", {{"authorization", "Bearer rider-7"}}).status, 403);
  const auto ok = f.call("GET", "/admin", {{"authorization", "Bearer admin-1"}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_NE(ok.body.find("\"who\":\"1\""), std::string::npos);
}

TEST(Pipeline, UnexpectedErrorsDoNotLeakDetails) {
  Fixture f;
  const auto r = f.call("GET", "/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(code_of(r), "internal");
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
}

TEST(Pipeline, DependencyTimeoutIs503WithRetryAfter) {
  Fixture f;
  const auto r = f.call("GET", "/slow-db");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(header(r, "Retry-After"), "1");
}

TEST(Pipeline, MetricsUseTheRouteTemplate) {
  Fixture f;
  f.call("GET", "/public");
  f.call("GET", "/nope");
  const auto text = f.registry.render();
  EXPECT_NE(text.find("http_requests_total{route=\"/public\",method=\"GET\",status=\"200\"} 1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("route=\"unmatched\""), std::string::npos);
}

TEST(Pipeline, InternalRoutesNeedTheInternalToken) {
  Fixture f;
  EXPECT_EQ(f.call("POST", "/internal/thing", {{"x-internal-token", "anything"}}).status, 401)
      << "no token configured: refuse everyone";
  f.pipeline->set_internal_token("s3cret-s3cret-s3cret-s3cret-s3cret");
  EXPECT_EQ(f.call("POST", "/internal/thing").status, 401);
  EXPECT_EQ(f.call("POST", "/internal/thing", {{"x-internal-token", "s3cret"}}).status, 401);
  const auto ok = f.call("POST", "/internal/thing", {{"x-internal-token", "s3cret-s3cret-s3cret-s3cret-s3cret"}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_NE(ok.body.find("\"user\":false"), std::string::npos) << "the token never stands in for a user";
}

TEST(Pipeline, UnknownMethodsAre501JsonAndShareOneMetricLabel) {
  Fixture f;
  for (const char* method : {"PROBEQZ", "BREW", "XYZZY"}) {
    for (const char* path : {"/public", "/nope"}) {
      const auto r = f.call(method, path);
      EXPECT_EQ(r.status, 501) << method << " " << path;
      EXPECT_EQ(code_of(r), "not_implemented");
    }
  }
  const auto text = f.registry.render();
  for (const char* method : {"PROBEQZ", "BREW", "XYZZY"}) EXPECT_EQ(text.find(method), std::string::npos) << text;
  EXPECT_NE(text.find("http_requests_total{route=\"unmatched\",method=\"other\",status=\"501\"} 6"), std::string::npos)
      << text;
}

TEST(Pipeline, MethodLabels) {
  for (const char* m : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    EXPECT_TRUE(http::known_method(m));
    EXPECT_EQ(http::method_label(m), m);
  }
  for (const char* m : {"get", "PROBEQZ", "TRACE", "CONNECT", ""}) {
    EXPECT_FALSE(http::known_method(m)) << m;
    EXPECT_EQ(http::method_label(m), "other");
  }
}

TEST(Pipeline, RateLimitedIs429WithRetryAfter) {
  Fixture f;
  f.router.add("GET", "/limited", [](Request&) -> awaitable<Response> {
    throw RateLimitedError("too many failed logins, retry later", 8);
    co_return Response::no_content();
  });
  const auto r = f.call("GET", "/limited");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(code_of(r), "rate_limited");
  EXPECT_EQ(header(r, "Retry-After"), "8");
}

TEST(Pipeline, LimitClassesOfRoutes) {
  using http::Access;
  EXPECT_EQ(http::limit_class_of(Access::user(), "POST"), "writes");
  EXPECT_EQ(http::limit_class_of(Access::user(), "DELETE"), "writes");
  EXPECT_EQ(http::limit_class_of(Access::user(), "GET"), "") << "reads are not limited per user";
  EXPECT_EQ(http::limit_class_of(Access::user().limited_as("search"), "GET"), "search");
  EXPECT_EQ(http::limit_class_of(Access::user().limited_as("none"), "POST"), "");
  EXPECT_EQ(http::limit_class_of(Access::anyone(), "POST"), "") << "no user to count";
  EXPECT_EQ(http::limit_class_of(Access::internal_only(), "POST"), "");
}

TEST(Pipeline, UserLimitRunsAfterAuthenticationAndAnswers429) {
  Fixture f;
  f.router.add(
      "POST", "/writes", [](Request&) -> awaitable<Response> { co_return Response::no_content(); },
      http::Access::user());
  std::vector<std::string> seen;
  f.pipeline->set_user_limit([&seen](const std::string& limit_class, const http::Principal& caller) -> awaitable<void> {
    seen.push_back(limit_class + ":" + caller.user_id);
    if (seen.size() > 1) throw RateLimitedError("too many writes", 7);
    co_return;
  });
  EXPECT_EQ(f.call("POST", "/writes").status, 401) << "no caller, nothing counted";
  EXPECT_TRUE(seen.empty());
  EXPECT_EQ(f.call("POST", "/writes", {{"authorization", "Bearer rider-3"}}).status, 204);
  const auto refused = f.call("POST", "/writes", {{"authorization", "Bearer rider-3"}});
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(code_of(refused), "rate_limited");
  EXPECT_EQ(header(refused, "Retry-After"), "7");
  EXPECT_EQ(f.call("GET", "/admin", {{"authorization", "Bearer admin-1"}}).status, 200) << "a read";
  EXPECT_EQ(seen, (std::vector<std::string>{"writes:3", "writes:3"}));
}
