#include "user/accounts/handlers.hpp"

#include "core/base/ids.hpp"
#include "core/base/json_body.hpp"
#include "user/app.hpp"

namespace uitgo::user::accounts {

using http::Request;
using http::Response;

awaitable<Response> register_rider(UserApp& app, Request& request) {
  const auto input = json::parse_body<RegisterRequest>(request.body);
  const auto session = co_await app.sessions.register_rider(input, request.request_id);
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

awaitable<Response> me(UserApp& app, Request& request) {
  const auto user = co_await app.accounts.get(request.caller().user_id);
  co_return Response::json(200, user.to_json());
}

awaitable<Response> update_me(UserApp& app, Request& request) {
  const auto input = json::parse_body<ProfileUpdate>(request.body);
  const auto user = co_await app.accounts.update_profile(request.caller().user_id, input);
  co_return Response::json(200, user.to_json());
}

awaitable<Response> set_disabled(UserApp& app, Request& request) {
  const auto id = path_uuid(request.path_param("id"), "account");
  const auto input = json::parse_body<DisableRequest>(request.body);
  const auto user = co_await app.accounts.set_disabled(id, input.disabled);
  co_return Response::json(200, user.to_json());
}

}  // namespace uitgo::user::accounts
