// HTTP handlers of accounts (routes.cpp lists them): /auth/* (passwords
// included), /users/me, /v1/drivers/register, /admin/me and /admin/users, and
// the internal account lookup.
#pragma once

#include "core/base/async.hpp"
#include "core/http/request.hpp"
#include "core/http/response.hpp"

namespace uitgo::user {

struct UserApp;

namespace accounts {

awaitable<http::Response> register_rider(UserApp& app, http::Request& request);
awaitable<http::Response> register_driver(UserApp& app, http::Request& request);
awaitable<http::Response> login(UserApp& app, http::Request& request);
awaitable<http::Response> refresh(UserApp& app, http::Request& request);
awaitable<http::Response> logout(UserApp& app, http::Request& request);
awaitable<http::Response> logout_everywhere(UserApp& app, http::Request& request);
awaitable<http::Response> me(UserApp& app, http::Request& request);
awaitable<http::Response> update_me(UserApp& app, http::Request& request);
awaitable<http::Response> change_password(UserApp& app, http::Request& request);
awaitable<http::Response> forgot_password(UserApp& app, http::Request& request);
awaitable<http::Response> reset_password(UserApp& app, http::Request& request);
awaitable<http::Response> admin_me(UserApp& app, http::Request& request);
awaitable<http::Response> admin_list_users(UserApp& app, http::Request& request);
awaitable<http::Response> admin_update_user(UserApp& app, http::Request& request);
awaitable<http::Response> internal_get_user(UserApp& app, http::Request& request);

}  // namespace accounts
}  // namespace uitgo::user
