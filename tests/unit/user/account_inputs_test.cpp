// The account endpoints' inputs the apps and the admin app send: admin user
// filters and changes, password changes and resets.
#include <gtest/gtest.h>

#include <functional>

#include "core/base/errors.hpp"
#include "user/accounts/inputs.hpp"

using namespace uitgo::user;
using uitgo::DomainError;

namespace {

std::string failing_field(const std::function<void()>& f) {
  try {
    f();
  } catch (const DomainError& e) {
    EXPECT_EQ(e.code(), "validation_failed");
    return e.field().value_or("");
  }
  ADD_FAILURE() << "accepted";
  return {};
}

template <typename T>
T parse(std::string_view body) {
  return uitgo::json::parse_body<T>(body);
}

}  // namespace

TEST(AdminUserQuery, DefaultsAndFilters) {
  const auto d = AdminUserQuery::parse(std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
  EXPECT_FALSE(d.role);
  EXPECT_FALSE(d.disabled);
  EXPECT_FALSE(d.q);
  EXPECT_EQ(d.limit, 50);
  EXPECT_EQ(d.offset, 0);
  const auto q = AdminUserQuery::parse(" Driver ", "YES", "  Nguyen ", "500", "99999");
  EXPECT_EQ(q.role, "driver");
  EXPECT_EQ(q.disabled, true);
  EXPECT_EQ(q.q, "nguyen");
  EXPECT_EQ(q.limit, 200);
  EXPECT_EQ(q.offset, 5000);
  EXPECT_EQ(AdminUserQuery::parse("", "0", "", "0", "-4").disabled, false);
  EXPECT_EQ(AdminUserQuery::parse("", "0", "", "0", "-4").limit, 1);
  EXPECT_EQ(AdminUserQuery::parse("", "0", "", "0", "-4").offset, 0);
  EXPECT_FALSE(AdminUserQuery::parse("", "all", "", "", "").disabled);
}

TEST(AdminUserQuery, BadValuesNameTheParameter) {
  EXPECT_EQ(failing_field([] { AdminUserQuery::parse("boss", {}, {}, {}, {}); }), "role");
  EXPECT_EQ(failing_field([] { AdminUserQuery::parse({}, "maybe", {}, {}, {}); }), "disabled");
  EXPECT_EQ(failing_field([] { AdminUserQuery::parse({}, {}, {}, "ten", {}); }), "limit");
  EXPECT_EQ(failing_field([] { AdminUserQuery::parse({}, {}, {}, {}, "1.5"); }), "offset");
}

TEST(AdminUserChange, RoleAndOrDisabled) {
  const auto both = parse<AdminUserChange>(R"({"role":" ADMIN ","disabled":false})");
  EXPECT_EQ(both.role, "admin");
  EXPECT_EQ(both.disabled, false);
  EXPECT_FALSE(parse<AdminUserChange>(R"({"disabled":true})").role);
  EXPECT_FALSE(parse<AdminUserChange>(R"({"role":"rider"})").disabled);
  EXPECT_EQ(failing_field([] { parse<AdminUserChange>("{}"); }), "role") << "nothing to update";
  EXPECT_EQ(failing_field([] { parse<AdminUserChange>(R"({"role":"superuser"})"); }), "role");
  EXPECT_EQ(failing_field([] { parse<AdminUserChange>(R"({"disabled":"yes"})"); }), "disabled");
}

TEST(PasswordInputs, ChangeNeedsAnEightCharacterPassword) {
  const auto c = parse<ChangePasswordRequest>(R"({"currentPassword":"old","newPassword":"long enough"})");
  EXPECT_EQ(c.current_password, "old");
  EXPECT_EQ(c.new_password, "long enough");
  try {
    parse<ChangePasswordRequest>(R"({"currentPassword":"old","newPassword":"123456"})");
    ADD_FAILURE();
  } catch (const DomainError& e) {
    EXPECT_EQ(e.field(), "newPassword");
    EXPECT_EQ(std::string(e.what()), "newPassword must be at least 8 characters");
  }
  EXPECT_EQ(failing_field([] { parse<ChangePasswordRequest>(R"({"newPassword":"long enough"})"); }), "currentPassword");
}

TEST(ProfileInputs, AnEmptyPhoneIsNoPhone) {
  const auto r = parse<RegisterRequest>(R"({"email":"a@b.co","password":"12345678","name":"A","phone":""})");
  EXPECT_FALSE(r.phone);
  const auto u = parse<ProfileUpdate>(R"({"phone":""})");
  EXPECT_TRUE(u.clear_phone);
  EXPECT_FALSE(u.phone);
  const auto kept = parse<ProfileUpdate>(R"({"name":"B"})");
  EXPECT_FALSE(kept.clear_phone);
  EXPECT_EQ(failing_field([] { parse<ProfileUpdate>(R"({"phone":"12"})"); }), "phone");
  EXPECT_EQ(failing_field([] { parse<ProfileUpdate>(R"({"phone":"12ab5678"})"); }), "phone");
  EXPECT_EQ(failing_field([] {
              DriverSignup::from_body(R"({"email":"a@b.co","password":"12345678","name":"A",)"
                                      R"("phone":"","licenseNumber":"L"})");
            }),
            "phone")
      << "drivers need a phone";
}

TEST(PasswordInputs, ForgotAndReset) {
  EXPECT_EQ(parse<ForgotPasswordRequest>(R"({"email":" Rider@UITGO.dev "})").email, "rider@uitgo.dev");
  EXPECT_EQ(failing_field([] { parse<ForgotPasswordRequest>("{}"); }), "email");
  const auto r = parse<ResetPasswordRequest>(R"({"token":"abc","newPassword":"12345678"})");
  EXPECT_EQ(r.token, "abc");
  EXPECT_EQ(failing_field([] { parse<ResetPasswordRequest>(R"({"token":"abc","newPassword":"1234567"})"); }),
            "newPassword");
  EXPECT_EQ(failing_field([] { parse<ResetPasswordRequest>(R"({"newPassword":"12345678"})"); }), "token");
}

TEST(AccountInputs, ControlCharactersAreRefusedNamingTheField) {
  EXPECT_EQ(failing_field([] { parse<ProfileUpdate>(R"({"name":"\u0000x"})"); }), "name");
  EXPECT_EQ(failing_field([] { parse<ProfileUpdate>(R"({"name":"A\nB"})"); }), "name");
  EXPECT_EQ(failing_field([] { parse<ProfileUpdate>(R"({"phone":"\u0000"})"); }), "phone");
  EXPECT_EQ(failing_field([] { parse<LoginRequest>(R"({"email":"a@b.co\u0000","password":"x"})"); }), "email");
  EXPECT_EQ(failing_field([] { parse<LoginRequest>(R"({"email":"a@b.co","password":"pass\u0000word"})"); }),
            "password");
  // A password is a secret typed as it is: tab and line breaks stay allowed.
  EXPECT_EQ(parse<LoginRequest>(R"({"email":"a@b.co","password":"tab\there"})").password, "tab\there");
  EXPECT_EQ(parse<RegisterRequest>(R"({"email":"a@b.co","password":"12345678\t","name":"A"})").password, "12345678\t");
}
