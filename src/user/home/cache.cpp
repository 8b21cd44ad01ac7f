#include "user/home/cache.hpp"

#include <vector>

#include "core/base/log.hpp"
#include "user/home/content.hpp"

namespace uitgo::user::home {
namespace {

constexpr const char* kResults[] = {"hit", "miss", "error"};  // in Cache::Result order
constexpr const char* kSectionLabels[] = {"promotions", "news"};

int index_of(Section s) { return s == Section::promotions ? 0 : 1; }

Clock::rep now_ticks() { return Clock::now().time_since_epoch().count(); }

}  // namespace

Cache::Cache(redis::Client& redis, metrics::Registry& metrics, CacheSettings settings)
    : redis_(redis), settings_(settings) {
  for (int s = 0; s < 2; ++s) {
    for (int r = 0; r < 3; ++r) {
      counters_[s][r] = &metrics.counter("home_cache_requests_total", "home content cache lookups by key and result",
                                         {{"key", kSectionLabels[s]}, {"result", kResults[r]}});
    }
  }
}

std::string Cache::promotions_key() { return std::string("home:") + kBodyVersion + ":promotions"; }
std::string Cache::news_key(int limit) {
  return std::string("home:") + kBodyVersion + ":news:" + std::to_string(limit);
}

bool Cache::bypassing() const { return now_ticks() < bypass_until_.load(std::memory_order_relaxed); }

void Cache::note_failure(const char* operation, const std::string& key, const std::exception& error) {
  const auto now = now_ticks();
  bypass_until_.store(now + std::chrono::duration_cast<Clock::duration>(settings_.bypass_after_error).count(),
                      std::memory_order_relaxed);
  std::uint64_t held_back = 0;
  if (!warnings_.allow(held_back)) return;
  log::warn("home cache unavailable, serving from Postgres", {{"operation", operation},
                                                              {"key", key},
                                                              {"error", error.what()},
                                                              {"bypassMs", settings_.bypass_after_error.count()},
                                                              {"suppressedSinceLast", held_back}});
}

awaitable<std::optional<std::string>> Cache::get(Section section, const std::string& key) {
  if (!settings_.enabled) co_return std::nullopt;
  if (bypassing()) {
    counter(section, error).inc();
    co_return std::nullopt;
  }
  const bool settled = co_await settle(section);
  if (!settled) {
    counter(section, error).inc();
    co_return std::nullopt;
  }
  std::optional<std::string> body;
  try {
    // An outer deadline, not the client's per-call timeout: a late reply then
    // only abandons this GET instead of resetting the shared connection (and
    // failing every other command in flight on it).
    auto lookup = with_deadline(redis_.command(redis::Command{"GET", key}), settings_.timeout, "home cache GET");
    const redis::Reply reply = co_await std::move(lookup);
    body = reply.as_optional_string();
  } catch (const std::exception& e) {
    note_failure("GET", key, e);
    counter(section, error).inc();
    co_return std::nullopt;
  }
  counter(section, body ? hit : miss).inc();
  co_return body;
}

awaitable<void> Cache::put(const std::string& key, const std::string& body,
                           std::optional<std::chrono::seconds> valid_for) {
  if (!settings_.enabled || bypassing()) co_return;
  auto ttl = settings_.ttl;
  if (valid_for && *valid_for < ttl) ttl = std::max(*valid_for, std::chrono::seconds(1));
  try {
    auto store = with_deadline(redis_.command(redis::Command{"SET", key, body, "EX", ttl.count()}), settings_.timeout,
                               "home cache SET");
    co_await std::move(store);
  } catch (const std::exception& e) {
    note_failure("SET", key, e);
  }
}

awaitable<void> Cache::invalidate(Section section) {
  if (!settings_.enabled) co_return;
  invalidation_pending_[index_of(section)].store(true);
  const bool deleted = co_await delete_section(section, std::nullopt);
  if (deleted) invalidation_pending_[index_of(section)].store(false);
}

awaitable<bool> Cache::settle(Section section) {
  if (!invalidation_pending_[index_of(section)].load()) co_return true;
  const bool deleted = co_await delete_section(section, settings_.timeout);
  if (!deleted) co_return false;
  invalidation_pending_[index_of(section)].store(false);
  log::info("home cache invalidation carried out after a failure", {{"section", kSectionLabels[index_of(section)]}});
  co_return true;
}

awaitable<bool> Cache::delete_section(Section section, std::optional<Millis> deadline) {
  std::vector<std::string> args{"DEL"};
  if (section == Section::promotions) {
    args.push_back(promotions_key());
  } else {
    // Every key a reader can create (limit is clamped to 1..kNewsMaxLimit), in one
    // command: no SCAN/KEYS walk over the keyspace.
    for (int limit = 1; limit <= kNewsMaxLimit; ++limit) args.push_back(news_key(limit));
  }
  redis::Command del(args);
  try {
    if (deadline) {
      auto bounded = with_deadline(redis_.command(std::move(del)), *deadline, "home cache DEL");
      co_await std::move(bounded);
    } else {
      co_await redis_.command(std::move(del));
    }
    co_return true;
  } catch (const std::exception& e) {
    note_failure("DEL", kSectionLabels[index_of(section)], e);
    log::error("home cache invalidation failed: the section is read from Postgres until a retry succeeds",
               {{"section", kSectionLabels[index_of(section)]}, {"error", e.what()}});
  }
  co_return false;
}

}  // namespace uitgo::user::home
