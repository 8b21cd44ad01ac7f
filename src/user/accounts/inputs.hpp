// Request bodies of the account endpoints, validated into typed structs.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/json_body.hpp"

namespace uitgo::user {

// Trims surrounding white space and lower-cases; the stored form of an email.
std::string normalize_email(std::string_view email);
// Throws validation_failed for `field` unless `email` (normalized) is plausible.
void check_email(const std::string& email, std::string_view field = "email");

struct RegisterRequest {
  std::string name;
  std::string email;  // normalized
  std::optional<std::string> phone;
  std::string password;
  static RegisterRequest from_json(const json::Fields& f);
};

struct LoginRequest {
  std::string email;  // normalized
  std::string password;
  static LoginRequest from_json(const json::Fields& f);
};

struct RefreshRequest {
  std::string refresh_token;
  static RefreshRequest from_json(const json::Fields& f);
};

// PATCH /users/me: {name?, phone?}; phone "" removes the phone.
struct ProfileUpdate {
  std::optional<std::string> name;
  std::optional<std::string> phone;
  bool clear_phone = false;
  static ProfileUpdate from_json(const json::Fields& f);
};

// PATCH /admin/users/{id}: {role?, disabled?}, at least one. role is
// trimmed and lower-cased: rider, driver or admin.
struct AdminUserChange {
  std::optional<std::string> role;
  std::optional<bool> disabled;
  static AdminUserChange from_json(const json::Fields& f);
};

// GET /admin/users ?role (rider|driver|admin; empty: all) &disabled (true|1|yes,
// false|0|no, all or empty) &q (name or email contains, case-insensitive)
// &limit (default 50, clamped to 1..200) &offset (default 0, clamped to 0..5000).
// Anything else is 400 naming the parameter.
struct AdminUserQuery {
  std::optional<std::string> role;
  std::optional<bool> disabled;
  std::optional<std::string> q;
  int limit = 50;
  std::int64_t offset = 0;
  static AdminUserQuery parse(std::optional<std::string_view> role, std::optional<std::string_view> disabled,
                              std::optional<std::string_view> q, std::optional<std::string_view> limit,
                              std::optional<std::string_view> offset);
};

// POST /auth/change-password: {currentPassword, newPassword (8..128)}.
struct ChangePasswordRequest {
  std::string current_password;
  std::string new_password;
  static ChangePasswordRequest from_json(const json::Fields& f);
};

// POST /auth/forgot-password: {email}. Only its presence is checked: the
// answer is the same for every email.
struct ForgotPasswordRequest {
  std::string email;  // normalized
  static ForgotPasswordRequest from_json(const json::Fields& f);
};

// POST /auth/reset-password: {token, newPassword (8..128)}.
struct ResetPasswordRequest {
  std::string token;
  std::string new_password;
  static ResetPasswordRequest from_json(const json::Fields& f);
};

// POST /v1/drivers/register: the rider fields (phone required) plus what a
// driver profile needs. The profile fields are only checked for presence here;
// driver-service validates them and its 400 (naming the field) is passed on.
struct DriverSignup {
  RegisterRequest account;
  boost::json::object profile;  // licenseNumber, avatarUrl?, vehicle? (every field optional), as sent
  static DriverSignup from_body(std::string_view body);
};

}  // namespace uitgo::user
