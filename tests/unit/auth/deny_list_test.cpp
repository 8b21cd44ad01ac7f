#include "core/auth/deny_list.hpp"

#include <gtest/gtest.h>

#include "core/auth/jwt.hpp"
#include "core/base/errors.hpp"
#include "core/http/request.hpp"

namespace uitgo::auth {
namespace {

TEST(DenyList, TokensIssuedUpToTheCutoffAreDenied) {
  DenyList list;
  EXPECT_FALSE(list.denies("u1", 100));
  EXPECT_TRUE(list.add("u1", 100));
  EXPECT_TRUE(list.denies("u1", 99));
  EXPECT_TRUE(list.denies("u1", 100)) << "the same second counts as before";
  EXPECT_FALSE(list.denies("u1", 101));
  EXPECT_FALSE(list.denies("u2", 50));
  EXPECT_FALSE(list.add("u1", 90)) << "an earlier cutoff changes nothing";
  EXPECT_TRUE(list.denies("u1", 100));
}

TEST(DenyList, ReplaceTellsWhoIsNewlyDenied) {
  DenyList list;
  list.add("u1", 100);
  const auto raised = list.replace({{"u1", 100}, {"u2", 200}});
  EXPECT_EQ(raised, (std::vector<std::string>{"u2"}));
  EXPECT_EQ(list.replace({{"u1", 150}, {"u2", 200}}), (std::vector<std::string>{"u1"}));
  list.replace({});
  EXPECT_FALSE(list.denies("u1", 1)) << "expired entries leave with Redis's copy";
  EXPECT_EQ(list.size(), 0u);
}

TEST(DenyList, TheAuthenticatorRefusesADeniedToken) {
  auto jwt = std::make_shared<const Jwt>(std::string(40, 'k'), std::chrono::seconds(900));
  auto list = std::make_shared<DenyList>();
  const JwtAuthenticator authenticator(jwt, list);
  http::Request request{
      .method = "GET", .path = "/x", .headers = {{"authorization", "Bearer " + jwt->issue("u1", "rider")}}};
  EXPECT_EQ(authenticator.authenticate(request).user_id, "u1");
  list->add("u1", jwt->verify(http::bearer_token(request)).iat);
  EXPECT_THROW(authenticator.authenticate(request), DomainError);
}

}  // namespace
}  // namespace uitgo::auth
