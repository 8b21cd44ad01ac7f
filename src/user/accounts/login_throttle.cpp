#include "user/accounts/login_throttle.hpp"

namespace uitgo::user {
namespace {

std::string failures_key(const std::string& email) { return "login:failures:" + login_account_key(email); }
std::string blocked_key(const std::string& email) { return "login:blocked:" + login_account_key(email); }

// KEYS: failures, blocked. ARGV: window s, threshold, base ms, max ms.
// Returns the back-off in ms (0 below the threshold). Same rule as login_backoff().
constexpr const char* kRecordFailure = R"lua(
local n = redis.call('INCR', KEYS[1])
local threshold = tonumber(ARGV[2])
local backoff = 0
if n >= threshold then
  backoff = tonumber(ARGV[3])
  local max = tonumber(ARGV[4])
  local steps = n - threshold
  while steps > 0 and backoff < max do
    backoff = backoff * 2
    steps = steps - 1
  end
  if backoff > max then backoff = max end
  redis.call('SET', KEYS[2], '1', 'PX', backoff)
end
local window = tonumber(ARGV[1]) * 1000
if backoff > window then window = backoff end
redis.call('PEXPIRE', KEYS[1], window)
return backoff
)lua";

}  // namespace

LoginThrottle::LoginThrottle(redis::Client& redis, LoginBackoffSettings settings)
    : redis_(redis), settings_(settings), record_failure_(kRecordFailure) {}

void LoginThrottle::note_failure(const char* operation, const std::exception& error) {
  std::uint64_t held_back = 0;
  if (!warnings_.allow(held_back)) return;
  log::warn("login back-off unavailable, logins go on without it",
            {{"operation", operation}, {"error", error.what()}, {"suppressedSinceLast", held_back}});
}

awaitable<std::int64_t> LoginThrottle::wait_seconds(const std::string& email) {
  if (!settings_.enabled()) co_return 0;
  std::int64_t pttl = 0;
  try {
    auto lookup = with_deadline(redis_.command(redis::Command{"PTTL", blocked_key(email)}), settings_.timeout,
                                "login back-off PTTL");
    const redis::Reply reply = co_await std::move(lookup);
    pttl = reply.as_int();
  } catch (const std::exception& e) {
    note_failure("PTTL", e);
    co_return 0;
  }
  // -2: no key; -1: no TTL (never written so, treated as none).
  if (pttl <= 0) co_return 0;
  co_return (pttl + 999) / 1000;
}

awaitable<void> LoginThrottle::failed(const std::string& email) {
  if (!settings_.enabled()) co_return;
  const std::int64_t base_ms = std::chrono::milliseconds(settings_.base).count();
  const std::int64_t max_ms = std::chrono::milliseconds(settings_.max).count();
  redis::Command keys{failures_key(email), blocked_key(email)};
  redis::Command args{settings_.window.count(), settings_.failures_before_backoff, base_ms, max_ms};
  try {
    auto record = with_deadline(redis_.eval(record_failure_, std::move(keys), std::move(args)), settings_.timeout,
                                "login back-off failure");
    const redis::Reply reply = co_await std::move(record);
    if (reply.as_int() > 0) {
      log::info("login back-off started",
                {{"account", login_account_key(email).substr(0, 12)}, {"backoffMs", reply.as_int()}});
    }
  } catch (const std::exception& e) {
    note_failure("record", e);
  }
}

awaitable<void> LoginThrottle::succeeded(const std::string& email) {
  if (!settings_.enabled()) co_return;
  try {
    auto forget = with_deadline(redis_.command(redis::Command{"DEL", failures_key(email), blocked_key(email)}),
                                settings_.timeout, "login back-off reset");
    co_await std::move(forget);
  } catch (const std::exception& e) {
    note_failure("DEL", e);
  }
}

}  // namespace uitgo::user
