// The body every sign-in style response shares (register, login, refresh,
// driver registration): {id, email, name, role, accessToken, refreshToken, expiresIn}.
#pragma once

#include <boost/json/object.hpp>

#include <string>

#include "core/auth/jwt.hpp"
#include "user/accounts.hpp"

namespace uitgo::user {

inline boost::json::object session_body(const User& user, const std::string& refresh_token, const auth::Jwt& jwt) {
  return {{"id", user.id},
          {"email", user.email},
          {"name", user.name},
          {"role", user.role},
          {"accessToken", jwt.issue(user.id, user.role)},
          {"refreshToken", refresh_token},
          {"expiresIn", jwt.access_ttl().count()}};
}

}  // namespace uitgo::user
