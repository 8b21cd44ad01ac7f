// HTTP handlers of notifications (routes.cpp lists them), the internal
// trip-event route of peers/notification_contract.hpp included.
#pragma once

#include "core/base/async.hpp"
#include "core/http/request.hpp"
#include "core/http/response.hpp"

namespace uitgo::user {

struct UserApp;

namespace notifications {

awaitable<http::Response> list_notifications(UserApp& app, http::Request& request);
awaitable<http::Response> mark_read(UserApp& app, http::Request& request);
awaitable<http::Response> register_device(UserApp& app, http::Request& request);
awaitable<http::Response> internal_trip_event(UserApp& app, http::Request& request);
awaitable<http::Response> internal_trip_events(UserApp& app, http::Request& request);

}  // namespace notifications
}  // namespace uitgo::user
