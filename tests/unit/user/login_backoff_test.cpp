#include "user/accounts/login_backoff.hpp"

#include <gtest/gtest.h>

using std::chrono::seconds;
using uitgo::user::login_account_key;
using uitgo::user::login_backoff;
using uitgo::user::LoginBackoffSettings;

TEST(LoginBackoff, NoneBelowTheThresholdThenDoublingUpToTheCap) {
  const LoginBackoffSettings s{.failures_before_backoff = 5, .base = seconds(1), .max = seconds(900)};
  for (int n = 0; n < 5; ++n) EXPECT_EQ(login_backoff(s, n), seconds(0)) << n;
  EXPECT_EQ(login_backoff(s, 5), seconds(1));
  EXPECT_EQ(login_backoff(s, 6), seconds(2));
  EXPECT_EQ(login_backoff(s, 7), seconds(4));
  EXPECT_EQ(login_backoff(s, 14), seconds(512));
  EXPECT_EQ(login_backoff(s, 15), seconds(900));
  EXPECT_EQ(login_backoff(s, 1'000'000'000), seconds(900));
}

TEST(LoginBackoff, ZeroThresholdDisablesIt) {
  const LoginBackoffSettings s{.failures_before_backoff = 0};
  EXPECT_FALSE(s.enabled());
  EXPECT_EQ(login_backoff(s, 100), seconds(0));
}

TEST(LoginBackoff, BaseAboveTheCapIsTheCap) {
  const LoginBackoffSettings s{.failures_before_backoff = 1, .base = seconds(60), .max = seconds(30)};
  EXPECT_EQ(login_backoff(s, 1), seconds(30));
}

TEST(LoginBackoff, AccountKeyIsAHashOfTheNormalizedEmail) {
  const auto key = login_account_key("Alice@Example.com");
  EXPECT_EQ(key.size(), 64u);
  EXPECT_EQ(key.find("alice"), std::string::npos);
  EXPECT_EQ(login_account_key("  alice@example.COM "), key);
  EXPECT_NE(login_account_key("bob@example.com"), key);
}
