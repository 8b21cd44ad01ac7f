// Signing in: rider registration, login, refresh-token rotation (single use,
// reuse revokes the whole family) and logout. HTTP-free; refusals are
// DomainErrors. A Session is what every sign-in style answer shows
// (session_body: {id, email, name, role, accessToken, refreshToken, expiresIn}).
#pragma once

#include <boost/json/object.hpp>

#include <string>

#include "core/auth/jwt.hpp"
#include "core/pg/pool.hpp"
#include "user/accounts/account_store.hpp"
#include "user/accounts/inputs.hpp"
#include "user/accounts/passwords.hpp"

namespace uitgo::user {

struct Session {
  User user;
  std::string refresh_token;
};

boost::json::object session_body(const Session& session, const auth::Jwt& jwt);

class Sessions {
 public:
  Sessions(pg::Pool& db, PasswordHasher& hasher) : db_(db), hasher_(hasher) {}

  // A new rider account and its first session, committed together.
  awaitable<Session> register_rider(const RegisterRequest& input, const std::string& request_id);
  // The same 401 for an unknown email and a wrong password.
  awaitable<Session> login(const LoginRequest& input);
  awaitable<Session> refresh(const std::string& refresh_token, const std::string& request_id);
  awaitable<void> logout(const std::string& refresh_token, const std::string& user_id);

 private:
  pg::Pool& db_;
  PasswordHasher& hasher_;
};

}  // namespace uitgo::user
