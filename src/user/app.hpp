// user-service's parts, built once per process and shared by its routes
// (routes.cpp): the password hasher, the token issuer, the driver-service
// client and the use cases (sessions, accounts, driver registration, home
// content, saved places, the wallet, notifications).
#pragma once

#include <memory>
#include <string>

#include "core/auth/jwt.hpp"
#include "core/pg/pool.hpp"
#include "core/redis/client.hpp"
#include "core/service/deny_list_sync.hpp"
#include "core/service/runtime.hpp"
#include "peers/driver_client.hpp"
#include "user/accounts/accounts.hpp"
#include "user/accounts/mail.hpp"
#include "user/accounts/password_changes.hpp"
#include "user/accounts/passwords.hpp"
#include "user/accounts/registration.hpp"
#include "user/accounts/sessions.hpp"
#include "user/home/home.hpp"
#include "user/notifications/notifications.hpp"
#include "user/places/places.hpp"
#include "user/wallet/topup_limit.hpp"
#include "user/wallet/wallet.hpp"

namespace uitgo::user {

// PASSWORD_HASH_THREADS, PASSWORD_HASH_QUEUE, plus mail_spec(),
// password_reset_spec(), login_backoff_spec(), wallet::wallet_spec(),
// wallet::topup_limit_spec() and notifications::push_spec().
config::Spec settings_spec();

struct UserApp {
  UserApp(service::Runtime& runtime, pg::Pool& db, redis::Client& redis, const auth::Jwt& jwt,
          const std::string& internal_token);
  UserApp(const UserApp&) = delete;
  UserApp& operator=(const UserApp&) = delete;

  pg::Pool& db;
  const auth::Jwt& jwt;
  PasswordHasher hasher;
  LoginThrottle login_throttle;
  peers::DriverClient drivers;
  Sessions sessions;
  Accounts accounts;
  DriverRegistration registration;
  MailOutbox mail;
  PasswordChanges passwords;
  home::HomeContent home;
  places::SavedPlaces places;
  wallet::Wallet wallet;
  wallet::TopupLimit topup_limit;
  notifications::Notifications notifications;
  // Access tokens revoked before they expire (disable, sign out everywhere).
  std::shared_ptr<service::DenyListSync> denied;
  // auth_deny_failures_total: denials Redis did not take.
  metrics::Counter& deny_failures;
};

// Denies every access token of `user_id` issued so far. A Redis failure is
// logged and counted, not thrown: the refresh tokens are revoked already, so
// the access tokens then end at their expiry as before.
awaitable<void> revoke_access_tokens(UserApp& app, const std::string& user_id, const std::string& request_id);

// Builds the app on `runtime` and registers every route (routes.cpp).
std::shared_ptr<UserApp> install(service::Runtime& runtime, pg::Pool& db, redis::Client& redis, const auth::Jwt& jwt,
                                 const std::string& internal_token);
void add_routes(http::Router& router, std::shared_ptr<UserApp> app);

}  // namespace uitgo::user
