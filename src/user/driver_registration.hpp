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

#include "core/auth/jwt.hpp"
#include "core/base/config.hpp"
#include "core/pg/pool.hpp"
#include "core/service/runtime.hpp"
#include "user/passwords.hpp"

namespace uitgo::user {

// DRIVER_SERVICE_URL, DRIVER_SERVICE_TIMEOUT_MS.
config::Spec driver_registration_spec();

void add_driver_registration_route(service::Runtime& runtime, pg::Pool& db, PasswordHasher& hasher,
                                   const auth::Jwt& jwt, const std::string& internal_token);

}  // namespace uitgo::user
