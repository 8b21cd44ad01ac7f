// HTTP handlers of accounts (routes.cpp lists them): /auth/*, /users/me,
// /v1/drivers/register and the admin switch on accounts.
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
awaitable<http::Response> me(UserApp& app, http::Request& request);
awaitable<http::Response> update_me(UserApp& app, http::Request& request);
awaitable<http::Response> set_disabled(UserApp& app, http::Request& request);

}  // namespace accounts
}  // namespace uitgo::user
