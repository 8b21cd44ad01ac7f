// /auth/* and /users/me: registration, login, refresh rotation, logout,
// profile; plus the admin switch that disables an account.
#pragma once

#include "core/auth/jwt.hpp"
#include "core/http/router.hpp"
#include "core/pg/pool.hpp"
#include "user/passwords.hpp"

namespace uitgo::user {

struct AccountDeps {
  pg::Pool& db;
  PasswordHasher& hasher;
  const auth::Jwt& jwt;
};

void add_account_routes(http::Router& router, AccountDeps deps);

}  // namespace uitgo::user
