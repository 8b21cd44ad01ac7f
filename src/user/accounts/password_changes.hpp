// Changing a password, signed in or through a reset link. HTTP-free.
//
// change: the current password must match (a mismatch is 400 naming
//   currentPassword, never 401: the apps treat a 401 as an expired token and
//   would refresh and retry); then the new hash is stored, the user's other
//   sessions (refresh-token families) are revoked and the caller's, named by
//   its access token's jti, is kept.
// forgot: the same outcome for every email (nothing tells whether an account
//   exists). For an enabled account a reset token (32 random bytes, stored as
//   its SHA-256 digest, valid PASSWORD_RESET_TTL_MINUTES, single use; a newer
//   one spends the older) is created and the link queued for the MailSender.
// reset: a valid token sets the new password, is spent, and every session of
//   the user is revoked. An unknown, used or expired token is 400 naming token.
#pragma once

#include <cstdint>
#include <string>

#include "core/base/config.hpp"
#include "core/pg/pool.hpp"
#include "user/accounts/inputs.hpp"
#include "user/accounts/mail.hpp"
#include "user/accounts/passwords.hpp"

namespace uitgo::user {

// PASSWORD_RESET_URL, PASSWORD_RESET_TTL_MINUTES.
config::Spec password_reset_spec();

struct PasswordResetSettings {
  std::string url;  // the page that asks for the new password; ?token= is appended
  std::int64_t ttl_minutes = 30;
  static PasswordResetSettings from(const config::Values& config);
};

// The link mailed for `token`: `url` with token=<token> added to its query.
std::string reset_link(const std::string& url, const std::string& token);

class PasswordChanges {
 public:
  PasswordChanges(pg::Pool& db, PasswordHasher& hasher, MailOutbox& mail, PasswordResetSettings settings)
      : db_(db), hasher_(hasher), mail_(mail), settings_(std::move(settings)) {}

  // Returns how many refresh tokens of other sessions were revoked.
  awaitable<std::int64_t> change(const std::string& user_id, const std::string& access_jti,
                                 const ChangePasswordRequest& input);
  awaitable<void> forgot(const ForgotPasswordRequest& input, const std::string& request_id);
  awaitable<void> reset(const ResetPasswordRequest& input, const std::string& request_id);

 private:
  pg::Pool& db_;
  PasswordHasher& hasher_;
  MailOutbox& mail_;
  PasswordResetSettings settings_;
};

}  // namespace uitgo::user
