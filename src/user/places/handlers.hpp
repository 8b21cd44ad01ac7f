// HTTP handlers of saved places (routes.cpp lists them).
#pragma once

#include "core/base/async.hpp"
#include "core/http/request.hpp"
#include "core/http/response.hpp"

namespace uitgo::user {

struct UserApp;

namespace places {

awaitable<http::Response> list_places(UserApp& app, http::Request& request);
awaitable<http::Response> create_place(UserApp& app, http::Request& request);
awaitable<http::Response> delete_place(UserApp& app, http::Request& request);

}  // namespace places
}  // namespace uitgo::user
