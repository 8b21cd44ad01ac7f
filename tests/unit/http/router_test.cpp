#include "core/http/router.hpp"

#include <gtest/gtest.h>

using uitgo::awaitable;
using uitgo::http::Request;
using uitgo::http::Response;
using uitgo::http::RouteMatch;
using uitgo::http::Router;

namespace {

awaitable<Response> ok(Request&) { co_return Response::no_content(); }

Router sample() {
  Router r;
  r.add("GET", "/v1/trips", ok);
  r.add("POST", "/v1/trips", ok);
  r.add("GET", "/v1/trips/{id}", ok);
  r.add("POST", "/v1/trips/{id}/status", ok);
  r.add("PATCH", "/v1/trips/{id}/status", ok);
  r.add("GET", "/v1/drivers/{id}", ok);
  r.add("GET", "/v1/drivers/me", ok);
  return r;
}

}  // namespace

TEST(Router, MatchesLiteralRoute) {
  const auto router = sample();
  const auto m = router.match("GET", "/v1/trips");
  ASSERT_EQ(m.kind, RouteMatch::Kind::found);
  EXPECT_EQ(m.route->path_template, "/v1/trips");
  EXPECT_TRUE(m.params.empty());
}

TEST(Router, ExtractsPathParameters) {
  const auto router = sample();
  const auto m = router.match("PATCH", "/v1/trips/abc-123/status");
  ASSERT_EQ(m.kind, RouteMatch::Kind::found);
  EXPECT_EQ(m.route->path_template, "/v1/trips/{id}/status");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "id");
  EXPECT_EQ(m.params[0].second, "abc-123");
}

TEST(Router, LiteralSegmentWinsOverParameter) {
  const auto router = sample();
  const auto m = router.match("GET", "/v1/drivers/me");
  ASSERT_EQ(m.kind, RouteMatch::Kind::found);
  EXPECT_EQ(m.route->path_template, "/v1/drivers/me");
  EXPECT_EQ(router.match("GET", "/v1/drivers/42").route->path_template, "/v1/drivers/{id}");
}

TEST(Router, UnknownPathIsNotFound) {
  EXPECT_EQ(sample().match("GET", "/v1/nothing").kind, RouteMatch::Kind::not_found);
  EXPECT_EQ(sample().match("GET", "/v1/trips/1/status/extra").kind, RouteMatch::Kind::not_found);
  EXPECT_EQ(sample().match("GET", "/").kind, RouteMatch::Kind::not_found);
}

TEST(Router, EmptyParameterSegmentDoesNotMatch) {
  EXPECT_EQ(sample().match("GET", "/v1/trips//status").kind, RouteMatch::Kind::not_found);
}

TEST(Router, WrongMethodListsAllowedMethods) {
  const auto m = sample().match("DELETE", "/v1/trips/7/status");
  ASSERT_EQ(m.kind, RouteMatch::Kind::method_not_allowed);
  EXPECT_EQ(m.allowed_methods, (std::vector<std::string>{"POST", "PATCH"}));
}

TEST(Router, TrailingSlashIsADifferentPath) {
  EXPECT_EQ(sample().match("GET", "/v1/trips/").kind, RouteMatch::Kind::not_found);
}

TEST(Router, MalformedOrDuplicateTemplatesAreRejected) {
  Router r;
  EXPECT_THROW(r.add("GET", "no-slash", ok), std::logic_error);
  EXPECT_THROW(r.add("GET", "/a/{b", ok), std::logic_error);
  EXPECT_THROW(r.add("GET", "/a//b", ok), std::logic_error);
  r.add("GET", "/a/{id}", ok);
  EXPECT_THROW(r.add("GET", "/a/{id}", ok), std::logic_error);
}
