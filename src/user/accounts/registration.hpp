// POST /v1/drivers/register: a driver account in one step. The account (role
// driver) and the driver profile in driver-service are created together:
//
//   BEGIN; INSERT the user; POST driver-service /internal/drivers {id, ...};
//   INSERT the first refresh token; COMMIT
//
// If driver-service refuses (400/409, passed on to the client), times out or
// is down (503), the transaction rolls back: no account is left without a
// profile. If the profile may exist although the account does not (the call
// timed out, or the COMMIT failed after driver-service answered), user-service
// deletes it again (DELETE /internal/drivers/{id}, best effort): the new user
// id was never visible to anyone, so the profile is an orphan whose only harm
// would be to keep its plate number taken. If that compensation fails too, the
// possible orphan is logged (error "driver profile may be orphaned") for clean-up.
#pragma once

#include <string>

#include "core/pg/pool.hpp"
#include "peers/driver_client.hpp"
#include "user/accounts/inputs.hpp"
#include "user/accounts/passwords.hpp"
#include "user/accounts/sessions.hpp"

namespace uitgo::user {

class DriverRegistration {
 public:
  DriverRegistration(pg::Pool& db, PasswordHasher& hasher, peers::DriverClient& drivers, const auth::Jwt& jwt)
      : db_(db), hasher_(hasher), drivers_(drivers), jwt_(jwt) {}

  awaitable<Session> register_driver(const DriverSignup& signup, const std::string& request_id);

 private:
  // Best effort: removes a profile whose account did not commit.
  awaitable<void> compensate(const std::string& user_id, const std::string& request_id);

  pg::Pool& db_;
  PasswordHasher& hasher_;
  peers::DriverClient& drivers_;
  const auth::Jwt& jwt_;
};

}  // namespace uitgo::user
