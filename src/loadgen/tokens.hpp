// Where the bearer tokens come from: the JSON printed by `uitgo seed` (and the
// run dir's demo-tokens.json, same shape: {"demo":[...], "riders":[...],
// "drivers":[...]} of {id, email, role, accessToken}), one rider token given
// on the command line (k6's ACCESS_TOKEN), or a login of the documented demo
// accounts. Requests take the tokens of their role in turn.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "loadgen/connection.hpp"

namespace uitgo::loadgen {

struct Account {
  std::string id;
  std::string token;
};

struct Tokens {
  std::vector<Account> riders;
  std::vector<Account> drivers;
  std::string source;  // for the summary: "file PATH", "--access-token", "demo login"
};

struct TokenError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Tokens tokens_from_file(const std::string& path);
Tokens single_rider_token(const std::string& token);
// POST /auth/login as rider@uitgo.dev and driver@uitgo.dev.
awaitable<Tokens> login_demo_accounts(const std::shared_ptr<const Endpoint>& endpoint, Clock::duration timeout);

}  // namespace uitgo::loadgen
