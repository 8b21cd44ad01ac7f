// The shared deny list of access tokens (core/auth/deny_list.hpp): a Redis
// sorted set `auth:denied` of user id -> cutoff (epoch seconds). user-service
// adds to it when it disables an account, changes a password or signs a user
// out everywhere; every service copies it into its DenyList with a periodic
// task (DENY_LIST_REFRESH_MS), and listeners hear of newly denied users (the
// trip WebSockets close theirs). An entry is dropped once every token it can
// deny has expired anyway (ACCESS_TOKEN_MAX_TTL_SECONDS). Redis failing keeps
// the last copy (a denial made meanwhile takes effect once Redis answers).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/auth/deny_list.hpp"
#include "core/auth/jwt.hpp"
#include "core/base/config.hpp"
#include "core/redis/client.hpp"
#include "core/service/runtime.hpp"

namespace uitgo::service {

// DENY_LIST_REFRESH_MS, DENY_LIST_REDIS_TIMEOUT_MS.
config::Spec deny_list_spec();

class DenyListSync {
 public:
  using Listener = std::function<void(const std::vector<std::string>& users)>;

  DenyListSync(Runtime& runtime, redis::Client& redis, std::shared_ptr<auth::DenyList> list,
               std::chrono::seconds max_token_lifetime);

  const std::shared_ptr<auth::DenyList>& list() const { return list_; }
  // Called (on an executor thread) with users newly denied.
  void on_denied(Listener listener) { listeners_.push_back(std::move(listener)); }

  // Denies every token of `user` issued up to now: in Redis (for every
  // process) and here at once. Throws when Redis fails.
  awaitable<void> deny(const std::string& user);

 private:
  awaitable<void> refresh();
  void tell(const std::vector<std::string>& users) const;

  redis::Client& redis_;
  std::shared_ptr<auth::DenyList> list_;
  std::chrono::seconds max_token_lifetime_;
  std::chrono::milliseconds timeout_;
  metrics::Registry& metrics_;
  std::vector<Listener> listeners_;
};

// Installs the JWT authenticator with the deny list (replacing the one
// install_jwt set) and the refresh task.
std::shared_ptr<DenyListSync> install_deny_list(Runtime& runtime, redis::Client& redis,
                                                const std::shared_ptr<const auth::Jwt>& jwt);

}  // namespace uitgo::service
