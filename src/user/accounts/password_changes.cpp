#include "user/accounts/password_changes.hpp"

#include "core/base/log.hpp"
#include "user/accounts/account_store.hpp"

namespace uitgo::user {

config::Spec password_reset_spec() {
  config::Spec s;
  s.string("PASSWORD_RESET_URL", "http://localhost:8080/reset-password",
           "the page a password reset mail links to (it posts the token to POST /auth/reset-password); "
           "?token=<token> is appended")
      .integer("PASSWORD_RESET_TTL_MINUTES", 30, 5, 1440, "how long a password reset link works (once)");
  return s;
}

PasswordResetSettings PasswordResetSettings::from(const config::Values& c) {
  return {.url = c.str("PASSWORD_RESET_URL"), .ttl_minutes = c.integer("PASSWORD_RESET_TTL_MINUTES")};
}

std::string reset_link(const std::string& url, const std::string& token) {
  const auto fragment = url.find('#');
  std::string base = url.substr(0, fragment);
  base += base.find('?') == std::string::npos ? '?' : '&';
  base += "token=" + token;  // base64url: nothing to escape
  if (fragment != std::string::npos) base += url.substr(fragment);
  return base;
}

awaitable<std::int64_t> PasswordChanges::change(const std::string& user_id, const std::string& access_jti,
                                                const ChangePasswordRequest& input) {
  auto user = co_await AccountStore::by_id(db_, user_id);
  if (!user) throw DomainError::not_found("account not found");
  if (user->disabled) throw DomainError::forbidden("this account is disabled");
  const bool current_ok = co_await hasher_.verify(input.current_password, user->password_hash);
  if (!current_ok) throw DomainError::invalid("currentPassword", "currentPassword is not this account's password");
  std::string new_hash = co_await hasher_.hash(input.new_password);
  auto body = [&](pg::Tx& tx) -> awaitable<std::int64_t> {
    co_await AccountStore::set_password(tx, user_id, new_hash);
    co_await AccountStore::spend_password_resets(tx, user_id);
    co_return co_await AccountStore::revoke_other_sessions(tx, user_id, access_jti);
  };
  const auto revoked = co_await db_.transaction(body);
  log::info("password changed", {{"userId", user_id}, {"otherSessionTokensRevoked", revoked}});
  co_return revoked;
}

awaitable<void> PasswordChanges::forgot(const ForgotPasswordRequest& input, const std::string& request_id) {
  const auto user = co_await AccountStore::by_email(db_, input.email);
  if (!user || user->disabled) {
    log::info("password reset asked for no enabled account", {{"request_id", request_id}});
    co_return;
  }
  const std::string token = new_opaque_token();
  const auto& id = user->id;
  const auto ttl = settings_.ttl_minutes;
  auto body = [&](pg::Tx& tx) -> awaitable<void> { co_await AccountStore::add_password_reset(tx, id, token, ttl); };
  co_await db_.transaction(body);
  mail_.enqueue(
      {.to = user->email, .name = user->name, .link = reset_link(settings_.url, token), .valid_minutes = ttl});
  log::info("password reset link created", {{"userId", id}, {"request_id", request_id}});
}

awaitable<void> PasswordChanges::reset(const ResetPasswordRequest& input, const std::string& request_id) {
  // Hashed first (slow), then one transaction: spend the token, set the password.
  std::string new_hash = co_await hasher_.hash(input.new_password);
  auto body = [&](pg::Tx& tx) -> awaitable<std::optional<std::string>> {
    auto user_id = co_await AccountStore::consume_password_reset(tx, input.token);
    if (!user_id) co_return user_id;
    co_await AccountStore::set_password(tx, *user_id, new_hash);
    co_await AccountStore::revoke_all_refresh_tokens(tx, *user_id);
    co_return user_id;
  };
  const auto user_id = co_await db_.transaction(body);
  if (!user_id) throw DomainError::invalid("token", "this password reset link is invalid, already used or expired");
  log::info("password reset", {{"userId", *user_id}, {"request_id", request_id}});
}

}  // namespace uitgo::user
