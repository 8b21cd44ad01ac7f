// The account store: users and their refresh tokens in user_db. Every method
// runs inside a caller-provided transaction, so a request's writes commit
// together or not at all.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>

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
  static awaitable<std::optional<User>> update_profile(pg::Pool& db, const std::string& id,
                                                       const std::optional<std::string>& name,
                                                       const std::optional<std::string>& phone);
  static awaitable<bool> set_disabled(pg::Tx& tx, const std::string& id, bool disabled);

  // Stores a new refresh token; `family_id` empty starts a new family. Returns the opaque token.
  static awaitable<std::string> add_refresh_token(pg::Tx& tx, const std::string& user_id, const std::string& family_id);
  // Consumes `token` (single use). A used or revoked token revokes its whole family.
  static awaitable<RefreshOutcome> consume_refresh_token(pg::Tx& tx, const std::string& token);
  static awaitable<void> revoke_refresh_token(pg::Pool& db, const std::string& token, const std::string& user_id);
  static awaitable<void> revoke_all_refresh_tokens(pg::Tx& tx, const std::string& user_id);
};

// SHA-256 hex of an opaque token: tokens are random, so a fast hash is enough.
std::string token_digest(const std::string& token);

}  // namespace uitgo::user
