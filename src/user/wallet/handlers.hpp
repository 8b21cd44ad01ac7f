// HTTP handlers of the wallet (routes.cpp lists them), the internal
// settlement and balance routes of peers/wallet_contract.hpp included.
#pragma once

#include "core/base/async.hpp"
#include "core/http/request.hpp"
#include "core/http/response.hpp"

namespace uitgo::user {

struct UserApp;

namespace wallet {

awaitable<http::Response> get_wallet(UserApp& app, http::Request& request);
awaitable<http::Response> get_summary(UserApp& app, http::Request& request);
awaitable<http::Response> list_transactions(UserApp& app, http::Request& request);
awaitable<http::Response> topup(UserApp& app, http::Request& request);
awaitable<http::Response> internal_settle_trip(UserApp& app, http::Request& request);
awaitable<http::Response> internal_balance(UserApp& app, http::Request& request);

}  // namespace wallet
}  // namespace uitgo::user
