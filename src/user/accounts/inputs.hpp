// Request bodies of the account endpoints, validated into typed structs.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>

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

struct ProfileUpdate {
  std::optional<std::string> name;
  std::optional<std::string> phone;
  static ProfileUpdate from_json(const json::Fields& f);
};

// PATCH /admin/users/{id}: {disabled}.
struct DisableRequest {
  bool disabled = false;
  static DisableRequest from_json(const json::Fields& f);
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
