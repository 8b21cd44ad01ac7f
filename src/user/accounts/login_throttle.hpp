// The per-account login back-off's state in Redis (rule in login_backoff.hpp).
// Keys, per account (login_account_key: a hash, no address in Redis):
//   login:failures:<hash>  consecutive failures, TTL LOGIN_FAILURE_WINDOW_SECONDS
//                          from the last failure;
//   login:blocked:<hash>   present while the account must wait (PX = back-off).
// Fails open: when Redis errs or is slower than LOGIN_BACKOFF_REDIS_TIMEOUT_MS,
// logins go on without the back-off (a throttled warning is logged; the
// gateway's per-client /auth/* limit still applies).
#pragma once

#include <cstdint>
#include <string>

#include "core/base/async.hpp"
#include "core/base/log.hpp"
#include "core/redis/client.hpp"
#include "core/redis/script.hpp"
#include "user/accounts/login_backoff.hpp"

namespace uitgo::user {

class LoginThrottle {
 public:
  LoginThrottle(redis::Client& redis, LoginBackoffSettings settings);

  // Seconds the account of `email` must still wait; 0 when it may try now.
  awaitable<std::int64_t> wait_seconds(const std::string& email);
  // Counts a failed login; starts the back-off at the threshold.
  awaitable<void> failed(const std::string& email);
  // A successful login forgets the failures.
  awaitable<void> succeeded(const std::string& email);

 private:
  void note_failure(const char* operation, const std::exception& error);

  redis::Client& redis_;
  LoginBackoffSettings settings_;
  redis::Script record_failure_;
  log::Throttle warnings_{std::chrono::seconds(10)};
};

}  // namespace uitgo::user
