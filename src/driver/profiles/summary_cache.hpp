// The driver summaries search results carry (name, rating, vehicle), kept in
// process: they change only when a driver edits a profile, yet every search
// needed a Postgres query for them.
//
//   - a profile change (create, update, delete through driver-service) drops
//     the entry here and PUBLISHes the driver id on kProfileChangedChannel;
//     every driver-service process drops it on receipt;
//   - pub/sub loses what is published while a subscriber is disconnected, so
//     the cache is bypassed while the subscription is down and emptied
//     whenever it was re-established;
//   - an entry also expires PROFILE_CACHE_SECONDS after it was read, which
//     bounds how stale a lost message can leave it; the cache holds at most
//     kMaxEntries (emptied when full).
// PROFILE_CACHE_SECONDS=0: every call reads Postgres. Metrics:
// driver_summary_cache_total{result=hit|miss|bypass}.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/base/async.hpp"
#include "core/base/config.hpp"
#include "core/base/metrics.hpp"
#include "core/redis/client.hpp"
#include "core/redis/subscriber.hpp"
#include "core/service/runtime.hpp"
#include "driver/profiles/profile.hpp"
#include "driver/profiles/profile_store.hpp"

namespace uitgo::driver {

inline constexpr const char* kProfileChangedChannel = "drivers:profile-changed";

// PROFILE_CACHE_SECONDS.
config::Spec summary_cache_spec();

class SummaryCache {
 public:
  static constexpr std::size_t kMaxEntries = 200'000;

  // Subscribes on `runtime`'s start, unsubscribes on its stop.
  SummaryCache(service::Runtime& runtime, ProfileStore& store, redis::Client& redis, std::chrono::seconds ttl);
  SummaryCache(const SummaryCache&) = delete;
  SummaryCache& operator=(const SummaryCache&) = delete;

  // Summaries of the ids that have a profile, in no particular order; the
  // ones not cached come from ONE query. Shared, never copied: a summary is
  // replaced, not changed, when its profile changes.
  awaitable<std::vector<std::shared_ptr<const Summary>>> summaries(const std::vector<std::string>& ids);
  // After a committed change of `id`'s profile. Publishing is best effort:
  // a failure is logged, and the other processes' entries expire.
  awaitable<void> changed(const std::string& id);

 private:
  struct Entry {
    std::shared_ptr<const Summary> summary;
    Clock::time_point expires;
  };
  bool usable();  // under mutex_: subscribed, and nothing missed since
  void drop(const std::string& id);

  ProfileStore& store_;
  redis::Client& redis_;
  std::chrono::seconds ttl_;
  redis::Subscriber subscriber_;
  redis::Subscriber::Subscription subscription_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::uint64_t reconnects_seen_ = 0;
  std::uint64_t drops_ = 0;  // changes seen so far
  metrics::Counter& hits_;
  metrics::Counter& misses_;
  metrics::Counter& bypasses_;
};

}  // namespace uitgo::driver
