#include "user/accounts/handlers.hpp"

#include <boost/json/array.hpp>
#include "core/base/ids.hpp"

#include "core/base/json_body.hpp"
#include "core/base/json_value.hpp"
#include "core/base/log.hpp"
#include "core/http/auth.hpp"
#include "peers/user_view.hpp"
#include "user/app.hpp"

namespace uitgo::user::accounts {

using http::Request;
using http::Response;

awaitable<Response> register_rider(UserApp& app, Request& request) {
  const auto input = json::parse_body<RegisterRequest>(request.body);
  const auto session = co_await app.sessions.register_rider(input, request.request_id);
  // The welcome notifications never cost the new account: a failure is logged only.
  std::string failure;
  try {
    co_await app.notifications.welcome(session.user.id, session.user.name);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) {
    log::warn("welcome notifications not written",
              {{"userId", session.user.id}, {"error", failure}, {"requestId", request.request_id}});
  }
  co_return Response::json(201, session_body(session, app.jwt));
}

awaitable<Response> register_driver(UserApp& app, Request& request) {
  const auto signup = DriverSignup::from_body(request.body);
  const auto session = co_await app.registration.register_driver(signup, request.request_id);
  co_return Response::json(201, session_body(session, app.jwt));
}

awaitable<Response> login(UserApp& app, Request& request) {
  const auto input = json::parse_body<LoginRequest>(request.body);
  const auto session = co_await app.sessions.login(input);
  co_return Response::json(200, session_body(session, app.jwt));
}

awaitable<Response> refresh(UserApp& app, Request& request) {
  const auto input = json::parse_body<RefreshRequest>(request.body);
  const auto session = co_await app.sessions.refresh(input.refresh_token, request.request_id);
  co_return Response::json(200, session_body(session, app.jwt));
}

awaitable<Response> logout(UserApp& app, Request& request) {
  const auto input = json::parse_body<RefreshRequest>(request.body);
  co_await app.sessions.logout(input.refresh_token, request.caller().user_id);
  co_return Response::no_content();
}

// Every session of the caller ends: refresh tokens revoked, access tokens
// (this one too) denied.
awaitable<Response> logout_everywhere(UserApp& app, Request& request) {
  const auto& user_id = request.caller().user_id;
  co_await app.sessions.logout_everywhere(user_id);
  co_await revoke_access_tokens(app, user_id, request.request_id);
  log::info("signed out everywhere", {{"userId", user_id}, {"request_id", request.request_id}});
  co_return Response::no_content();
}

awaitable<Response> me(UserApp& app, Request& request) {
  const auto user = co_await app.accounts.get(request.caller().user_id);
  co_return Response::json(200, user.to_json());
}

awaitable<Response> update_me(UserApp& app, Request& request) {
  const auto input = json::parse_body<ProfileUpdate>(request.body);
  const auto user = co_await app.accounts.update_profile(request.caller().user_id, input);
  co_return Response::json(200, user.to_json());
}

// 200 with a small body, not 204: the apps test for exactly 200.
awaitable<Response> change_password(UserApp& app, Request& request) {
  const auto input = json::parse_body<ChangePasswordRequest>(request.body);
  // The route authenticated this token already; its jti names the caller's session.
  const auto claims = app.jwt.verify(http::bearer_token(request));
  const auto revoked = co_await app.passwords.change(request.caller().user_id, claims.jti, input);
  co_return Response::json(200, boost::json::object{{"status", "ok"},
                                                    {"message", "password changed; other sessions signed out"},
                                                    {"otherSessionsSignedOut", revoked > 0}});
}

// The same 200 answer whatever the email: it reveals nothing.
awaitable<Response> forgot_password(UserApp& app, Request& request) {
  const auto input = json::parse_body<ForgotPasswordRequest>(request.body);
  co_await app.passwords.forgot(input, request.request_id);
  co_return Response::json(
      200,
      boost::json::object{{"status", "ok"},
                          {"message", "if an account uses this email, a link to reset its password is on its way"}});
}

awaitable<Response> reset_password(UserApp& app, Request& request) {
  const auto input = json::parse_body<ResetPasswordRequest>(request.body);
  co_await app.passwords.reset(input, request.request_id);
  co_return Response::json(200, boost::json::object{{"status", "ok"}, {"message", "password changed; sign in again"}});
}

awaitable<Response> admin_me(UserApp& app, Request& request) {
  const auto user = co_await app.accounts.get(request.caller().user_id);
  co_return Response::json(200, user.to_json());
}

awaitable<Response> admin_list_users(UserApp& app, Request& request) {
  const auto query =
      AdminUserQuery::parse(request.query_param("role"), request.query_param("disabled"), request.query_param("q"),
                            request.query_param("limit"), request.query_param("offset"));
  const auto page = co_await app.accounts.list(query);
  boost::json::array items;
  items.reserve(page.items.size());
  for (const auto& user : page.items) items.emplace_back(user.to_json());
  co_return Response::json(
      200, boost::json::object{
               {"items", std::move(items)}, {"total", page.total}, {"limit", query.limit}, {"offset", query.offset}});
}

awaitable<Response> admin_update_user(UserApp& app, Request& request) {
  const auto id = path_uuid(request.path_param("id"), "account");
  const auto change = json::parse_body<AdminUserChange>(request.body);
  const auto user = co_await app.accounts.admin_update(request.caller(), id, change);
  if (change.disabled == true) co_await revoke_access_tokens(app, id, request.request_id);
  log::info("account changed by an admin", {{"userId", id},
                                            {"adminId", request.caller().user_id},
                                            {"role", json::nullable(change.role)},
                                            {"disabled", json::nullable(change.disabled)},
                                            {"request_id", request.request_id}});
  co_return Response::json(200, user.to_json());
}

// GET /internal/users/{id} (trip-service: an admin books a trip for a rider).
awaitable<Response> internal_get_user(UserApp& app, Request& request) {
  const auto id = path_uuid(request.path_param("id"), "account");
  const auto user = co_await app.accounts.get(id);
  const peers::UserView view{.id = user.id, .role = user.role, .disabled = user.disabled};
  co_return Response::json(200, view.to_json());
}

}  // namespace uitgo::user::accounts
