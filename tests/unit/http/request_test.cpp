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
