// Signing in: rider registration, login, refresh-token rotation (single use,
// reuse revokes the whole family) and logout. HTTP-free; refusals are
// DomainErrors. A Session is what every sign-in style answer shows
// (session_body: {id, email, name, role, accessToken, refreshToken, expiresIn}).
// Each refresh token is stored with the jti of the access token issued with
// it, so an access token names its session (change-password keeps it).
#pragma once

#include <boost/json/object.hpp>

#include <string>

#include "core/auth/jwt.hpp"
#include "core/pg/pool.hpp"
#include "user/accounts/account_store.hpp"
#include "user/accounts/inputs.hpp"
#include "user/accounts/login_throttle.hpp"
#include "user/accounts/passwords.hpp"

namespace uitgo::user {

struct Session {
  User user;
  std::string refresh_token;
  std::string access_token;
};

boost::json::object session_body(const Session& session, const auth::Jwt& jwt);

// A new access token for `user` and the refresh token that goes with it (in
// `family_id`; kNewFamily: a new family), stored in `tx`.
inline const std::string kNewFamily;
awaitable<Session> open_session(pg::Tx& tx, const User& user, const std::string& family_id, const auth::Jwt& jwt);

class Sessions {
 public:
  Sessions(pg::Pool& db, PasswordHasher& hasher, const auth::Jwt& jwt, LoginThrottle& throttle)
      : db_(db), hasher_(hasher), jwt_(jwt), throttle_(throttle) {}

  // A new rider account and its first session, committed together.
  awaitable<Session> register_rider(const RegisterRequest& input, const std::string& request_id);
  // The same 401 for an unknown email, a wrong password and a disabled
  // account; 429 rate_limited (RateLimitedError) while the email's login
  // back-off runs (login_backoff.hpp).
  awaitable<Session> login(const LoginRequest& input);
  awaitable<Session> refresh(const std::string& refresh_token, const std::string& request_id);
  awaitable<void> logout(const std::string& refresh_token, const std::string& user_id);
  // Revokes every refresh token of the user (access tokens: the deny list).
  awaitable<void> logout_everywhere(const std::string& user_id);

 private:
  pg::Pool& db_;
  PasswordHasher& hasher_;
  const auth::Jwt& jwt_;
  LoginThrottle& throttle_;
};

}  // namespace uitgo::user
