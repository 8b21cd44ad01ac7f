#include "core/service/deny_list_sync.hpp"

#include <map>

#include "core/base/log.hpp"
#include "core/base/time.hpp"

namespace uitgo::service {
namespace {

constexpr const char* kKey = "auth:denied";

// Drops entries no token can outlive, adds one (a later cutoff wins), and
// keeps the key no longer than its newest entry matters.
const redis::Script kDeny(R"lua(
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
redis.call('ZADD', KEYS[1], 'GT', ARGV[2], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
)lua");

std::int64_t now_seconds() { return now_ms() / 1000; }

}  // namespace

config::Spec deny_list_spec() {
  config::Spec s;
  s.integer("DENY_LIST_REFRESH_MS", 500, 50, 60000,
            "how often the access-token deny list (disabled users, sign-out everywhere) is copied from Redis; a "
            "revoked token keeps working at most this long on other processes");
  s.integer("DENY_LIST_REDIS_TIMEOUT_MS", 200, 1, 10000, "deadline of the deny list's Redis calls");
  return s;
}

DenyListSync::DenyListSync(Runtime& runtime, redis::Client& redis, std::shared_ptr<auth::DenyList> list,
                           std::chrono::seconds max_token_lifetime)
    : redis_(redis),
      list_(std::move(list)),
      max_token_lifetime_(max_token_lifetime),
      timeout_(runtime.config().millis("DENY_LIST_REDIS_TIMEOUT_MS")),
      metrics_(runtime.metrics()) {
  metrics_.gauge("auth_denied_users", "users whose earlier access tokens are refused (deny list)");
  runtime.add_task(TaskOptions{.name = "deny-list-refresh",
                               .period = runtime.config().millis("DENY_LIST_REFRESH_MS"),
                               .first_delay = Millis(0)},
                   [this]() { return refresh(); });
}

awaitable<void> DenyListSync::deny(const std::string& user) {
  const auto cutoff = now_seconds();
  const auto oldest_kept = cutoff - max_token_lifetime_.count();
  redis::Command keys{kKey};
  redis::Command args{user, std::to_string(cutoff), std::to_string(oldest_kept),
                      std::to_string(max_token_lifetime_.count() + 60)};
  co_await redis_.eval(kDeny, std::move(keys), std::move(args), timeout_);
  if (list_->add(user, cutoff)) tell({user});
  log::info("access tokens denied", {{"userId", user}, {"issuedUntil", cutoff}});
}

awaitable<void> DenyListSync::refresh() {
  const auto oldest_kept = now_seconds() - max_token_lifetime_.count();
  redis::Command range{"ZRANGEBYSCORE", kKey, std::to_string(oldest_kept), "+inf", "WITHSCORES"};
  auto reply = co_await redis_.command(std::move(range), timeout_);
  std::map<std::string, std::int64_t> cutoffs;
  const auto& items = reply.as_array();
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    cutoffs[items[i].as_string()] = std::stoll(items[i + 1].as_string());
  }
  const auto raised = list_->replace(std::move(cutoffs));
  metrics_.gauge("auth_denied_users", "users whose earlier access tokens are refused (deny list)")
      .set(static_cast<double>(list_->size()));
  if (!raised.empty()) tell(raised);
}

void DenyListSync::tell(const std::vector<std::string>& users) const {
  for (const auto& listener : listeners_) listener(users);
}

std::shared_ptr<DenyListSync> install_deny_list(Runtime& runtime, redis::Client& redis,
                                                const std::shared_ptr<const auth::Jwt>& jwt) {
  auto list = std::make_shared<auth::DenyList>();
  runtime.set_authenticator(std::make_shared<auth::JwtAuthenticator>(jwt, list));
  return std::make_shared<DenyListSync>(runtime, redis, list, jwt->profile().max_lifetime);
}

}  // namespace uitgo::service
