// HTTP handlers of home content (routes.cpp lists them): GET /promotions,
// GET /news and the admin routes that manage them.
#pragma once

#include "core/base/async.hpp"
#include "core/http/request.hpp"
#include "core/http/response.hpp"

namespace uitgo::user {

struct UserApp;

namespace home {

awaitable<http::Response> list_promotions(UserApp& app, http::Request& request);
awaitable<http::Response> list_news(UserApp& app, http::Request& request);
awaitable<http::Response> admin_list_promotions(UserApp& app, http::Request& request);
awaitable<http::Response> admin_list_news(UserApp& app, http::Request& request);
awaitable<http::Response> create_promotion(UserApp& app, http::Request& request);
awaitable<http::Response> update_promotion(UserApp& app, http::Request& request);
awaitable<http::Response> delete_promotion(UserApp& app, http::Request& request);
awaitable<http::Response> create_news(UserApp& app, http::Request& request);
awaitable<http::Response> update_news(UserApp& app, http::Request& request);
awaitable<http::Response> delete_news(UserApp& app, http::Request& request);

}  // namespace home
}  // namespace uitgo::user
