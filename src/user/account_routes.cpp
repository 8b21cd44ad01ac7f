#include "user/account_routes.hpp"

#include <boost/json/object.hpp>

#include "core/base/ids.hpp"
#include "core/base/log.hpp"
#include "user/account_input.hpp"
#include "user/accounts.hpp"
#include "user/session.hpp"

namespace uitgo::user {
namespace {

using http::Access;
using http::Request;
using http::Response;

// The same message for an unknown email and a wrong password.
HttpError bad_credentials() { return HttpError::unauthorized("invalid email or password"); }
HttpError bad_refresh_token() { return HttpError::unauthorized("invalid refresh token"); }

awaitable<std::string> start_session(pg::Pool& db, const std::string& user_id) {
  auto body = [&](pg::Tx& tx) -> awaitable<std::string> { co_return co_await Accounts::add_refresh_token(tx, user_id, ""); };
  co_return co_await db.transaction(body);
}

awaitable<Response> register_account(AccountDeps deps, Request& request) {
  const auto input = json::parse_body<RegisterRequest>(request.body);
  // Hashed outside any initializer: GCC 12 mishandles co_await inside one.
  std::string password_hash = co_await deps.hasher.hash(input.password);
  const NewUser user{.name = input.name,
                     .email = input.email,
                     .phone = input.phone,
                     .password_hash = std::move(password_hash),
                     .role = "rider"};
  struct Created {
    User user;
    std::string refresh_token;
  };
  // The account and its first refresh token commit together.
  auto body = [&](pg::Tx& tx) -> awaitable<Created> {
    auto created = co_await Accounts::create(tx, user);
    auto token = co_await Accounts::add_refresh_token(tx, created.id, "");
    co_return Created{std::move(created), std::move(token)};
  };
  const auto created = co_await deps.db.transaction(body);
  log::info("account registered", {{"user_id", created.user.id}, {"request_id", request.request_id}});
  co_return Response::json(201, session_body(created.user, created.refresh_token, deps.jwt));
}

awaitable<Response> login(AccountDeps deps, Request& request) {
  const auto input = json::parse_body<LoginRequest>(request.body);
  const auto user = co_await Accounts::by_email(deps.db, input.email);
  if (!user) {
    co_await deps.hasher.verify_dummy(input.password);
    throw bad_credentials();
  }
  if (!co_await deps.hasher.verify(input.password, user->password_hash)) throw bad_credentials();
  if (user->disabled) throw HttpError::forbidden("this account is disabled");
  const auto refresh_token = co_await start_session(deps.db, user->id);
  co_return Response::json(200, session_body(*user, refresh_token, deps.jwt));
}

awaitable<Response> refresh(AccountDeps deps, Request& request) {
  const auto input = json::parse_body<RefreshRequest>(request.body);
  struct Rotation {
    RefreshOutcome outcome;
    std::string next_token;
  };
  // Consuming the old token, revoking a reused family and storing the new
  // token all commit together; a rejection below happens after the commit so
  // a family revocation is never rolled back.
  auto body = [&](pg::Tx& tx) -> awaitable<Rotation> {
    Rotation r;
    r.outcome = co_await Accounts::consume_refresh_token(tx, input.refresh_token);
    if (r.outcome.check == RefreshCheck::valid) {
      r.next_token = co_await Accounts::add_refresh_token(tx, r.outcome.user->id, r.outcome.family_id);
    }
    co_return r;
  };
  const auto rotation = co_await deps.db.transaction(body);
  switch (rotation.outcome.check) {
    case RefreshCheck::valid:
      co_return Response::json(200, session_body(*rotation.outcome.user, rotation.next_token, deps.jwt));
    case RefreshCheck::reused:
      log::warn("refresh token reuse detected: family revoked",
                {{"family_id", rotation.outcome.family_id}, {"request_id", request.request_id}});
      throw bad_refresh_token();
    default:
      throw bad_refresh_token();
  }
}

awaitable<Response> logout(AccountDeps deps, Request& request) {
  const auto input = json::parse_body<RefreshRequest>(request.body);
  co_await Accounts::revoke_refresh_token(deps.db, input.refresh_token, request.caller().user_id);
  co_return Response::no_content();
}

awaitable<Response> me(AccountDeps deps, Request& request) {
  const auto user = co_await Accounts::by_id(deps.db, request.caller().user_id);
  if (!user) throw HttpError::not_found("account not found");
  co_return Response::json(200, user->to_json());
}

awaitable<Response> update_me(AccountDeps deps, Request& request) {
  const auto input = json::parse_body<ProfileUpdate>(request.body);
  const auto user = co_await Accounts::update_profile(deps.db, request.caller().user_id, input.name, input.phone);
  if (!user) throw HttpError::not_found("account not found");
  co_return Response::json(200, user->to_json());
}

struct DisableRequest {
  bool disabled;
  static DisableRequest from_json(const json::Fields& f) {
    const auto v = f.optional_bool("disabled");
    if (!v) throw HttpError::validation("disabled", "disabled is required");
    return {*v};
  }
};

// Disabling also revokes every refresh token; access tokens already issued
// stay valid until they expire (at most JWT_ACCESS_TTL_SECONDS).
awaitable<Response> set_disabled(AccountDeps deps, Request& request) {
  const std::string id(path_uuid(request.path_param("id"), "account"));
  const auto input = json::parse_body<DisableRequest>(request.body);
  auto body = [&](pg::Tx& tx) -> awaitable<bool> {
    if (!co_await Accounts::set_disabled(tx, id, input.disabled)) co_return false;
    if (input.disabled) co_await Accounts::revoke_all_refresh_tokens(tx, id);
    co_return true;
  };
  if (!co_await deps.db.transaction(body)) throw HttpError::not_found("account not found");
  const auto user = co_await Accounts::by_id(deps.db, id);
  if (!user) throw HttpError::not_found("account not found");
  co_return Response::json(200, user->to_json());
}

}  // namespace

void add_account_routes(http::Router& router, AccountDeps deps) {
  const auto bind = [deps](awaitable<Response> (*handler)(AccountDeps, Request&)) {
    return [deps, handler](Request& r) { return handler(deps, r); };
  };
  router.add("POST", "/auth/register", bind(register_account));
  router.add("POST", "/auth/login", bind(login));
  router.add("POST", "/auth/refresh", bind(refresh));
  router.add("POST", "/auth/logout", bind(logout), Access::user());
  router.add("GET", "/auth/me", bind(me), Access::user());
  router.add("PATCH", "/users/me", bind(update_me), Access::user());
  router.add("PATCH", "/admin/users/{id}", bind(set_disabled), Access::roles_of({"admin"}));
}

}  // namespace uitgo::user
