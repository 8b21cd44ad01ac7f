#include "user/accounts/sessions.hpp"

#include "core/base/log.hpp"
#include "core/base/rate_limit.hpp"
#include "core/base/time.hpp"

namespace uitgo::user {
namespace {

// The same message for an unknown email and a wrong password.
DomainError bad_credentials() { return DomainError::unauthenticated("invalid email or password"); }
DomainError bad_refresh_token() { return DomainError::unauthenticated("invalid refresh token"); }

}  // namespace

boost::json::object session_body(const Session& session, const auth::Jwt& jwt) {
  const auto& user = session.user;
  return {{"id", user.id},
          {"email", user.email},
          {"name", user.name},
          {"role", user.role},
          {"accessToken", session.access_token},
          {"refreshToken", session.refresh_token},
          {"expiresIn", jwt.access_ttl().count()}};
}

awaitable<Session> open_session(pg::Tx& tx, const User& user, const std::string& family_id, const auth::Jwt& jwt) {
  const auto now = now_ms() / 1000;
  const auth::Claims claims{
      .sub = user.id, .role = user.role, .jti = new_opaque_token(), .iat = now, .exp = now + jwt.access_ttl().count()};
  std::string access_token = jwt.sign(claims);
  std::string refresh_token = co_await AccountStore::add_refresh_token(tx, user.id, family_id, claims.jti);
  co_return Session{user, std::move(refresh_token), std::move(access_token)};
}

awaitable<Session> Sessions::register_rider(const RegisterRequest& input, const std::string& request_id) {
  // Hashed outside any initializer: GCC 12 mishandles co_await inside one.
  std::string password_hash = co_await hasher_.hash(input.password);
  const NewUser user{.name = input.name,
                     .email = input.email,
                     .phone = input.phone,
                     .password_hash = std::move(password_hash),
                     .role = "rider"};
  auto body = [&](pg::Tx& tx) -> awaitable<Session> {
    const auto created = co_await AccountStore::create(tx, user);
    co_return co_await open_session(tx, created, kNewFamily, jwt_);
  };
  auto session = co_await db_.transaction(body);
  log::info("account registered", {{"user_id", session.user.id}, {"request_id", request_id}});
  co_return session;
}

awaitable<Session> Sessions::login(const LoginRequest& input) {
  const std::int64_t wait = co_await throttle_.wait_seconds(input.email);
  if (wait > 0) throw RateLimitedError("too many failed logins for this account, retry later", wait);
  auto user = co_await AccountStore::by_email(db_, input.email);
  bool accepted = false;
  if (!user) {
    co_await hasher_.verify_dummy(input.password);
  } else {
    const bool password_ok = co_await hasher_.verify(input.password, user->password_hash);
    // A disabled account fails like a wrong password: the answer tells nothing
    // about the account (nor that the password was right).
    accepted = password_ok && !user->disabled;
  }
  if (!accepted) {
    co_await throttle_.failed(input.email);
    throw bad_credentials();
  }
  co_await throttle_.succeeded(input.email);
  const User& account = *user;
  auto body = [&](pg::Tx& tx) -> awaitable<Session> { co_return co_await open_session(tx, account, kNewFamily, jwt_); };
  co_return co_await db_.transaction(body);
}

awaitable<Session> Sessions::refresh(const std::string& refresh_token, const std::string& request_id) {
  struct Rotation {
    RefreshOutcome outcome;
    std::optional<Session> next;
  };
  // Consuming the old token, revoking a reused family and storing the new
  // token all commit together; a rejection below happens after the commit so
  // a family revocation is never rolled back.
  auto body = [&](pg::Tx& tx) -> awaitable<Rotation> {
    Rotation r;
    r.outcome = co_await AccountStore::consume_refresh_token(tx, refresh_token);
    if (r.outcome.check == RefreshCheck::valid) {
      const User& account = *r.outcome.user;
      r.next = co_await open_session(tx, account, r.outcome.family_id, jwt_);
    }
    co_return r;
  };
  auto rotation = co_await db_.transaction(body);
  if (rotation.next) co_return std::move(*rotation.next);
  if (rotation.outcome.check == RefreshCheck::reused) {
    log::warn("refresh token reuse detected: family revoked",
              {{"family_id", rotation.outcome.family_id}, {"request_id", request_id}});
  }
  throw bad_refresh_token();
}

awaitable<void> Sessions::logout(const std::string& refresh_token, const std::string& user_id) {
  co_await AccountStore::revoke_refresh_token(db_, refresh_token, user_id);
}

awaitable<void> Sessions::logout_everywhere(const std::string& user_id) {
  auto body = [&user_id](pg::Tx& tx) -> awaitable<void> {
    co_await AccountStore::revoke_all_refresh_tokens(tx, user_id);
  };
  co_await db_.transaction(body);
}

}  // namespace uitgo::user
