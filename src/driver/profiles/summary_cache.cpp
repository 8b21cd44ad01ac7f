#include "driver/profiles/summary_cache.hpp"

#include "core/base/log.hpp"

namespace uitgo::driver {

config::Spec summary_cache_spec() {
  config::Spec s;
  s.integer("PROFILE_CACHE_SECONDS", 60, 0, 3600,
            "how long a driver's summary (name, rating, vehicle) in search results may be served from memory; "
            "profile changes reach every process at once over Redis pub/sub, this bounds a lost message (0 = off)");
  return s;
}

SummaryCache::SummaryCache(service::Runtime& runtime, ProfileStore& store, redis::Client& redis,
                           std::chrono::seconds ttl)
    : store_(store),
      redis_(redis),
      ttl_(ttl),
      subscriber_(runtime.executor(), redis.options()),
      hits_(runtime.metrics().counter("driver_summary_cache_total", "driver summaries for search results",
                                      {{"result", "hit"}})),
      misses_(runtime.metrics().counter("driver_summary_cache_total", "driver summaries for search results",
                                        {{"result", "miss"}})),
      bypasses_(runtime.metrics().counter("driver_summary_cache_total", "driver summaries for search results",
                                          {{"result", "bypass"}})) {
  if (ttl_.count() == 0) return;
  subscription_ = subscriber_.subscribe(kProfileChangedChannel, [this](const std::string& id) { drop(id); });
  subscriber_.start();
  runtime.on_stop([this]() -> awaitable<void> {
    subscription_.reset();
    co_await subscriber_.stop();
  });
}

void SummaryCache::drop(const std::string& id) {
  const std::lock_guard lock(mutex_);
  entries_.erase(id);
  ++drops_;
}

bool SummaryCache::usable() {
  if (ttl_.count() == 0 || !subscriber_.connected()) {
    entries_.clear();
    return false;
  }
  const auto reconnects = subscriber_.reconnects();
  if (reconnects != reconnects_seen_) {  // messages may have been lost meanwhile
    entries_.clear();
    reconnects_seen_ = reconnects;
  }
  return true;
}

awaitable<std::vector<std::shared_ptr<const Summary>>> SummaryCache::summaries(const std::vector<std::string>& ids) {
  std::vector<std::shared_ptr<const Summary>> out;
  out.reserve(ids.size());
  std::vector<std::string> missing;
  bool cache = false;
  std::uint64_t drops_before = 0;
  {
    const std::lock_guard lock(mutex_);
    cache = usable();
    drops_before = drops_;
    const auto now = Clock::now();
    for (const auto& id : ids) {
      const auto it = cache ? entries_.find(id) : entries_.end();
      if (it != entries_.end() && it->second.expires > now) {
        out.push_back(it->second.summary);
      } else {
        missing.push_back(id);
      }
    }
  }
  hits_.inc(out.size());
  (cache ? misses_ : bypasses_).inc(missing.size());
  if (missing.empty()) co_return out;
  std::vector<std::shared_ptr<const Summary>> fetched;
  {
    auto rows = co_await store_.summaries(missing);
    fetched.reserve(rows.size());
    for (auto& s : rows) fetched.push_back(std::make_shared<const Summary>(std::move(s)));
  }
  if (cache) {
    const std::lock_guard lock(mutex_);
    // A change announced while the query ran may be missing from what it
    // read: keep nothing of it then (the next search reads again).
    if (drops_ != drops_before) cache = false;
    if (cache && entries_.size() + fetched.size() > kMaxEntries) entries_.clear();
    const auto expires = Clock::now() + ttl_;
    for (const auto& s : fetched) {
      if (cache) entries_.insert_or_assign(s->id, Entry{s, expires});
    }
  }
  for (auto& s : fetched) out.push_back(std::move(s));
  co_return out;
}

awaitable<void> SummaryCache::changed(const std::string& id) {
  drop(id);
  if (ttl_.count() == 0) co_return;
  try {
    redis::Command publish{"PUBLISH", kProfileChangedChannel, id};
    co_await redis_.command(std::move(publish));
  } catch (const std::exception& e) {
    log::warn("could not announce a driver profile change; other processes' cached copies expire",
              {{"driverId", id}, {"error", e.what()}});
  }
}

}  // namespace uitgo::driver
