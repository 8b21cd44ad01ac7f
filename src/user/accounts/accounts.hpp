// Account use cases besides signing in: one's own profile, and the admin's
// list of accounts and changes to an account's role or disabled flag.
// Disabling revokes every refresh token (access tokens already issued stay
// valid until they expire); a new role shows in the tokens issued from then on
// (the next login or refresh). An admin can neither disable nor demote
// themselves (403 naming the rule). HTTP-free.
#pragma once

#include <string>

#include "core/base/principal.hpp"
#include "core/pg/pool.hpp"
#include "user/accounts/account_store.hpp"
#include "user/accounts/inputs.hpp"

namespace uitgo::user {

class Accounts {
 public:
  explicit Accounts(pg::Pool& db) : db_(db) {}

  awaitable<User> get(const std::string& user_id);
  awaitable<User> update_profile(const std::string& user_id, const ProfileUpdate& input);
  awaitable<User> admin_update(const Principal& admin, const std::string& user_id, const AdminUserChange& change);
  awaitable<AccountStore::UserPage> list(const AdminUserQuery& query);

 private:
  pg::Pool& db_;
};

}  // namespace uitgo::user
