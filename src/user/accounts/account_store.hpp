// The account store: users and their refresh tokens in user_db. Every method
// runs inside a caller-provided transaction, so a request's writes commit
// together or not at all.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/async.hpp"
#include "core/pg/pool.hpp"

namespace uitgo::user {

struct User {
  std::string id;
  std::string name;
  std::string email;
  std::optional<std::string> phone;
  std::string role;
  bool disabled = false;
  std::string created_at;  // RFC 3339 UTC
  std::string password_hash;

  // The public view: {id, name, email, phone, role, createdAt, disabled}.
  boost::json::object to_json() const;
};

struct NewUser {
  std::string name;
  std::string email;
  std::optional<std::string> phone;
  std::string password_hash;
  std::string role;
};

// What a presented refresh token turned out to be.
enum class RefreshCheck { valid, unknown, reused, expired, disabled };

struct RefreshOutcome {
  RefreshCheck check = RefreshCheck::unknown;
  std::optional<User> user;  // set when valid
  std::string family_id;
};

class AccountStore {
 public:
  // Throws DomainError (conflict) when the email is taken (also under concurrent inserts).
  static awaitable<User> create(pg::Tx& tx, const NewUser& user);
  static awaitable<std::optional<User>> by_email(pg::Pool& db, const std::string& email);
  static awaitable<std::optional<User>> by_id(pg::Pool& db, const std::string& id);
  // `clear_phone`: the phone becomes null (`phone` is then ignored).
  static awaitable<std::optional<User>> update_profile(pg::Pool& db, const std::string& id,
                                                       const std::optional<std::string>& name,
                                                       const std::optional<std::string>& phone, bool clear_phone);

  // Stores a new refresh token with the jti of the access token issued with
  // it; `family_id` empty starts a new family. Returns the opaque token.
  static awaitable<std::string> add_refresh_token(pg::Tx& tx, const std::string& user_id, const std::string& family_id,
                                                  const std::string& access_jti);
  // Consumes `token` (single use). A used or revoked token revokes its whole family.
  static awaitable<RefreshOutcome> consume_refresh_token(pg::Tx& tx, const std::string& token);
  static awaitable<void> revoke_refresh_token(pg::Pool& db, const std::string& token, const std::string& user_id);
  static awaitable<void> revoke_all_refresh_tokens(pg::Tx& tx, const std::string& user_id);
  // Revokes every family of the user except the one an access token with
  // `access_jti` was issued with (none matches: all of them). Returns how many tokens.
  static awaitable<std::int64_t> revoke_other_sessions(pg::Tx& tx, const std::string& user_id,
                                                       const std::string& access_jti);

  static awaitable<void> set_password(pg::Tx& tx, const std::string& user_id, const std::string& password_hash);
  // Stores a reset token (its digest), valid `ttl_minutes`; spends the user's older ones.
  static awaitable<void> add_password_reset(pg::Tx& tx, const std::string& user_id, const std::string& token,
                                            std::int64_t ttl_minutes);
  // Spends a valid (unused, unexpired) reset token: the user's id, or nullopt.
  // Every other unused token of that user is spent with it.
  static awaitable<std::optional<std::string>> consume_password_reset(pg::Tx& tx, const std::string& token);
  static awaitable<void> spend_password_resets(pg::Tx& tx, const std::string& user_id);

  // Admin: one page of accounts matching `filter`, newest first, and how many match in all.
  struct UserFilter {
    std::optional<std::string> role;
    std::optional<bool> disabled;
    std::optional<std::string> search;  // in name or email, case-insensitive
    int limit = 50;
    std::int64_t offset = 0;
  };
  struct UserPage {
    std::vector<User> items;
    std::int64_t total = 0;
  };
  static awaitable<UserPage> list(pg::Pool& db, const UserFilter& filter);
  // Sets role and/or disabled; false when there is no such user.
  static awaitable<bool> update_admin_fields(pg::Tx& tx, const std::string& id, const std::optional<std::string>& role,
                                             const std::optional<bool>& disabled);
};

// 32 random bytes, URL-safe base64 without padding (43 characters): refresh
// and password reset tokens.
std::string new_opaque_token();

// SHA-256 hex of an opaque token: tokens are random, so a fast hash is enough.
std::string token_digest(const std::string& token);

}  // namespace uitgo::user
