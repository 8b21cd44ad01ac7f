// Read-through Redis cache of the home responses (SPEC "Home cache", seed §3).
// Keys: home:<version>:promotions and home:<version>:news:<limit>; value: the
// JSON response body. The version names the body's shape (kBodyVersion): a
// release that changes the shape bumps it, so no instance ever serves a body
// of the old shape from the cache (old keys simply expire);
// TTL: HOME_CACHE_TTL_SECONDS (shortened when the list changes by itself
// sooner, e.g. a promotion expires). The cache is an optimisation only: no
// member throws, and a Redis failure or slow reply (HOME_CACHE_TIMEOUT_MS)
// makes the caller fall back to Postgres.
//
// Not solved: stampedes (after a miss or an invalidation, concurrent requests
// all read Postgres until one of them has stored the body; the lists are tiny
// and indexed, so this costs a burst of cheap queries), and the race where a
// reader that loaded the old list before an admin write stores it after the
// write's invalidation (stale until the TTL; the window is one Postgres read).
// A failed invalidation is remembered: this instance skips the section's cache
// until a retried DEL succeeds, so a Redis that comes back with its data (AOF)
// does not serve the list from before the write. Other user-service instances
// do not know of the failure and may serve the old list until the TTL.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "core/base/async.hpp"
#include "core/base/log.hpp"
#include "core/base/metrics.hpp"
#include "core/redis/client.hpp"

namespace uitgo::user::home {

struct CacheSettings {
  bool enabled = true;
  std::chrono::seconds ttl{300};
  Millis timeout{50};
  // After a Redis failure, reads skip the cache this long (a down or hung Redis
  // then costs one failed call per window rather than one per request).
  Millis bypass_after_error{1000};
};

enum class Section { promotions, news };

// The shape of the cached bodies: v2 = bare arrays with the apps' fields
// (v1, before it, was {"items": [...]} under home:promotions / home:news:<limit>).
inline constexpr const char* kBodyVersion = "v2";

class Cache {
 public:
  Cache(redis::Client& redis, metrics::Registry& metrics, CacheSettings settings);

  static std::string promotions_key();
  static std::string news_key(int limit);

  // The cached body; nullopt on a miss, a failure (logged, counted as error) or when disabled.
  awaitable<std::optional<std::string>> get(Section section, const std::string& key);
  // Stores `body` for min(ttl, valid_for).
  awaitable<void> put(const std::string& key, const std::string& body, std::optional<std::chrono::seconds> valid_for);
  // Deletes every key of `section`. Call after the write has committed; a
  // failure is logged and the section stays uncached here until a retry succeeds.
  awaitable<void> invalidate(Section section);

 private:
  enum Result { hit, miss, error };
  metrics::Counter& counter(Section section, Result result) {
    return *counters_[section == Section::promotions ? 0 : 1][result];
  }
  bool bypassing() const;
  // `deadline` bounds a reader's wait; an admin write waits the client's own timeout.
  awaitable<bool> delete_section(Section section, std::optional<Millis> deadline);
  // True once a pending invalidation of `section` has been carried out.
  awaitable<bool> settle(Section section);
  void note_failure(const char* operation, const std::string& key, const std::exception& error);

  redis::Client& redis_;
  CacheSettings settings_;
  metrics::Counter* counters_[2][3];  // [section][Result]
  std::atomic<Clock::rep> bypass_until_{0};
  std::atomic<bool> invalidation_pending_[2]{false, false};  // [section]
  // At most one "cache unavailable" warning per 5 s; the others are counted in it.
  log::Throttle warnings_{std::chrono::seconds(5)};
};

}  // namespace uitgo::user::home
