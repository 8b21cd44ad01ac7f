// Every route of user-service, in one table. Handlers live with their area
// (accounts/, home/); the runtime adds /health, /ready, /metrics and the
// internal /internal/tasks routes of every service.
//
//   POST  /auth/register                 anyone: a rider account → 201 session (+ two welcome notifications)
//   POST  /v1/drivers/register           anyone: a driver account + its profile → 201 session
//   POST  /auth/login, /auth/refresh     anyone → 200 session
//   POST  /auth/logout                   signed in: revokes the refresh token → 204
//   GET   /auth/me, PATCH /users/me      signed in: one's own account
//   POST  /auth/change-password          signed in: {currentPassword, newPassword} → 200
//   POST  /auth/forgot-password          anyone: {email} → 200 whatever the email (a reset link is mailed)
//   POST  /auth/reset-password           anyone: {token, newPassword} → 200
//   GET   /admin/me                      admin: one's own account
//   GET   /admin/users                   admin: ?role&disabled&q&limit&offset → {items, total, limit, offset}
//   PATCH /admin/users/{id}              admin: {role?, disabled?}
//   GET   /internal/users/{id}           internal: {id, role, disabled} (peers/user_client.hpp)
//   GET   /promotions, /news             anyone (read-through cache): bare arrays
//   GET   /admin/promotions, /admin/news admin: everything, active or not, scheduled or not
//   POST|PATCH|DELETE /admin/promotions[/{id}], /admin/news[/{id}]   admin (DELETE of a
//                                        promotion deactivates it)
//   GET   /saved_places                  signed in: one's own places, a bare array
//   POST  /saved_places                  signed in: {name, address, lat, lng} → 201 the place
//   DELETE /saved_places/{id}            signed in: one's own → 204 (anyone else's: 404)
//   GET   /v1/wallet                     signed in: {balance, rewardPoints, currency, updatedAt}
//   GET   /v1/wallet/summary             signed in (driver app): balance, revenue, 7 days of earnings
//   GET   /v1/wallet/transactions        signed in: ?limit&offset → {items, total, limit, offset}
//   POST  /v1/wallet/topup               signed in: {amount}, Idempotency-Key honoured → 201 the wallet
//                                        (TOPUP_RATE_LIMIT_PER_MINUTE per user, then 429)
//   POST  /internal/wallet/trip-settlements   internal: fare and earning of a completed trip, once
//   GET   /internal/wallets/{id}         internal: {userId, balance} (peers/wallet_contract.hpp)
//   GET   /notifications                 signed in: ?unreadOnly&limit&offset → {items, total, limit, offset}
//   PATCH /notifications/{id}/read       signed in: one's own → 204 (anyone else's: 404)
//   POST  /v1/notifications/register     signed in: {platform, token} → 204 (a device for pushes)
//   POST  /internal/notifications/trip-events  internal: a trip event for one user's inbox, once per event id
//   POST  /internal/notifications/trip-events/batch  internal: several at once (the outbox relay)
#include "core/http/router.hpp"
#include "user/accounts/handlers.hpp"
#include "user/app.hpp"
#include "user/home/handlers.hpp"
#include "user/notifications/handlers.hpp"
#include "user/places/handlers.hpp"
#include "user/wallet/handlers.hpp"

namespace uitgo::user {

void add_routes(http::Router& router, std::shared_ptr<UserApp> app) {
  using http::Access;
  const auto anyone = Access::anyone();
  const auto signed_in = Access::user();
  const auto admin = Access::roles_of({"admin"});

  http::RouteTable<UserApp> routes(router, std::move(app));
  routes.add("POST", "/auth/register", anyone, accounts::register_rider)
      .add("POST", "/v1/drivers/register", anyone, accounts::register_driver)
      .add("POST", "/auth/login", anyone, accounts::login)
      .add("POST", "/auth/refresh", anyone, accounts::refresh)
      .add("POST", "/auth/logout", signed_in, accounts::logout)
      .add("POST", "/auth/logout-all", signed_in, accounts::logout_everywhere)
      .add("GET", "/auth/me", signed_in, accounts::me)
      .add("PATCH", "/users/me", signed_in, accounts::update_me)
      .add("POST", "/auth/change-password", signed_in, accounts::change_password)
      .add("POST", "/auth/forgot-password", anyone, accounts::forgot_password)
      .add("POST", "/auth/reset-password", anyone, accounts::reset_password)
      .add("GET", "/admin/me", admin, accounts::admin_me)
      .add("GET", "/admin/users", admin, accounts::admin_list_users)
      .add("PATCH", "/admin/users/{id}", admin, accounts::admin_update_user)
      .add("GET", "/internal/users/{id}", Access::internal_only(), accounts::internal_get_user)
      .add("GET", "/promotions", anyone, home::list_promotions)
      .add("GET", "/news", anyone, home::list_news)
      .add("GET", "/admin/promotions", admin, home::admin_list_promotions)
      .add("POST", "/admin/promotions", admin, home::create_promotion)
      .add("PATCH", "/admin/promotions/{id}", admin, home::update_promotion)
      .add("DELETE", "/admin/promotions/{id}", admin, home::delete_promotion)
      .add("GET", "/admin/news", admin, home::admin_list_news)
      .add("POST", "/admin/news", admin, home::create_news)
      .add("PATCH", "/admin/news/{id}", admin, home::update_news)
      .add("DELETE", "/admin/news/{id}", admin, home::delete_news)
      .add("GET", "/saved_places", signed_in, places::list_places)
      .add("POST", "/saved_places", signed_in, places::create_place)
      .add("DELETE", "/saved_places/{id}", signed_in, places::delete_place)
      .add("GET", "/v1/wallet", signed_in, wallet::get_wallet)
      .add("GET", "/v1/wallet/summary", signed_in, wallet::get_summary)
      .add("GET", "/v1/wallet/transactions", signed_in, wallet::list_transactions)
      .add("POST", "/v1/wallet/topup", signed_in, wallet::topup)
      .add("POST", "/internal/wallet/trip-settlements", Access::internal_only(), wallet::internal_settle_trip)
      .add("GET", "/internal/wallets/{id}", Access::internal_only(), wallet::internal_balance)
      .add("GET", "/notifications", signed_in, notifications::list_notifications)
      .add("PATCH", "/notifications/{id}/read", signed_in, notifications::mark_read)
      .add("POST", "/v1/notifications/register", signed_in, notifications::register_device)
      .add("POST", "/internal/notifications/trip-events", Access::internal_only(), notifications::internal_trip_event)
      .add("POST", "/internal/notifications/trip-events/batch", Access::internal_only(),
           notifications::internal_trip_events);
}

}  // namespace uitgo::user
