#include "core/http/request.hpp"

#include <gtest/gtest.h>

#include "core/base/errors.hpp"

using uitgo::http::parse_query;
using uitgo::http::percent_decode;

TEST(Request, QueryStringIsDecoded) {
  const auto q = parse_query("lat=10.77&lng=106.7&name=Nguy%E1%BB%85n+Van&empty=&flag");
  ASSERT_EQ(q.size(), 5u);
  EXPECT_EQ(q[0], (std::pair<std::string, std::string>{"lat", "10.77"}));
  EXPECT_EQ(q[2].second, "Nguyễn Van");
  EXPECT_EQ(q[3].second, "");
  EXPECT_EQ(q[4].first, "flag");
}

TEST(Request, MalformedEscapesAreRejected) {
  EXPECT_FALSE(percent_decode("%zz", false));
  EXPECT_FALSE(percent_decode("abc%4", false));
  EXPECT_FALSE(percent_decode("%", false));
  EXPECT_THROW(parse_query("a=%G1"), uitgo::DomainError);
}

TEST(Request, PlusIsSpaceOnlyInQueries) {
  EXPECT_EQ(*percent_decode("a+b", false), "a+b");
  EXPECT_EQ(*percent_decode("a+b", true), "a b");
}

TEST(Request, CallerWithoutPrincipalIsUnauthorized) {
  uitgo::http::Request r;
  try {
    r.caller();
    FAIL();
  } catch (const uitgo::DomainError& e) {
    EXPECT_EQ(e.kind(), uitgo::Refusal::unauthenticated);
  }
}

TEST(Request, MakeRequestSplitsAndDecodesTheTarget) {
  const auto r = uitgo::http::make_request("GET", "/v1/trips/a%20b?status=requested%2Cin_ride&limit=5", {}, "", "");
  EXPECT_EQ(r.target, "/v1/trips/a%20b?status=requested%2Cin_ride&limit=5");
  EXPECT_EQ(r.path, "/v1/trips/a b");
  EXPECT_EQ(r.query_param("status"), "requested,in_ride");
  EXPECT_EQ(r.query_param("limit"), "5");
}

TEST(Request, MakeRequestLowerCasesHeaderNamesOnly) {
  const auto r =
      uitgo::http::make_request("POST", "/x", {{"X-Request-Id", "AbC"}, {"Content-Type", "A/B"}}, "{}", "127.0.0.1");
  EXPECT_EQ(r.header("x-request-id"), "AbC");
  EXPECT_EQ(r.header("content-type"), "A/B");
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(r.remote_address, "127.0.0.1");
}

TEST(Request, MakeRequestRefusesTargetsThatAreNotPaths) {
  for (const char* target : {"", "*", "http://host/x", "/a%zz", "?a=1"}) {
    EXPECT_THROW(uitgo::http::make_request("GET", target, {}, "", ""), uitgo::DomainError) << target;
  }
  EXPECT_THROW(uitgo::http::make_request("GET", "/x?a=%", {}, "", ""), uitgo::DomainError);
}
