// Account use cases besides signing in: one's own profile, and the admin
// switch that disables an account (revoking every refresh token; access
// tokens already issued stay valid until they expire). HTTP-free.
#pragma once

#include <string>

#include "core/pg/pool.hpp"
#include "user/accounts/account_store.hpp"
#include "user/accounts/inputs.hpp"

namespace uitgo::user {

class Accounts {
 public:
  explicit Accounts(pg::Pool& db) : db_(db) {}

  awaitable<User> get(const std::string& user_id);
  awaitable<User> update_profile(const std::string& user_id, const ProfileUpdate& input);
  awaitable<User> set_disabled(const std::string& user_id, bool disabled);

 private:
  pg::Pool& db_;
};

}  // namespace uitgo::user
