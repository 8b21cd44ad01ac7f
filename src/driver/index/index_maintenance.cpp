#include "driver/index/index_maintenance.hpp"

#include "core/base/log.hpp"
#include "core/base/time.hpp"

namespace uitgo::driver {
namespace {

constexpr Millis kRewarmPause{5000};
// A process starting within this time of another one's warm-up trusts the
// index it left (kept since by every running process) instead of rebuilding
// it: scaling out under load does not cost one full rebuild per process.
// Redis losing its data loses the mark too.
constexpr std::int64_t kWarmTrustSeconds = 60;

}  // namespace

IndexMaintenance::IndexMaintenance(service::Runtime& runtime, redis::Client& redis, DriverIndex& index,
                                   ProfileStore& profiles, Millis sweep_interval)
    : redis_(redis),
      index_(index),
      profiles_(profiles),
      swept_(runtime.metrics().counter("driver_index_swept_total", "stale drivers removed from the Redis index")),
      warm_ups_(runtime.metrics().counter("driver_index_warm_ups_total", "rebuilds of the Redis index from Postgres")) {
  // After the migrations (registered earlier); the sweeper starts after it.
  runtime.on_start([this] { return warm_up_unless_fresh(); });
  runtime.add_task({.name = "driver-index-sweep", .period = sweep_interval}, [this] { return sweep(); });
}

awaitable<void> IndexMaintenance::warm_up_unless_fresh() {
  bool fresh = false;
  try {
    redis::Command marked{"EXISTS", IndexKeys::warmed, IndexKeys::available};
    const auto reply = co_await redis_.command(std::move(marked));
    fresh = reply.as_int() == 2;
  } catch (const std::exception& e) {
    log::warn("driver index: could not check its warm-up mark", {{"error", e.what()}});
  }
  if (!fresh) {
    co_await warm_up();
    co_return;
  }
  last_warm_attempt_ = Clock::now();
  warm_ = true;
  log::info("driver index warmed by another process less than a minute ago; not rebuilt",
            {{"trustSeconds", kWarmTrustSeconds}});
}

awaitable<void> IndexMaintenance::warm_up() {
  last_warm_attempt_ = Clock::now();
  try {
    const auto started = Clock::now();
    const auto now = now_ms();
    const auto entries = co_await profiles_.warm_entries(now - index_.stale_ms());
    const auto positions = co_await index_.warm(entries, now);
    redis::Command mark{"SET", IndexKeys::warmed, now, "EX", kWarmTrustSeconds};
    co_await redis_.command(std::move(mark));
    warm_ = true;
    warm_ups_.inc();
    log::info("driver index warmed from postgres",
              {{"drivers", static_cast<std::int64_t>(entries.size())},
               {"positions", static_cast<std::int64_t>(positions)},
               {"durationMs", std::chrono::duration_cast<Millis>(Clock::now() - started).count()}});
  } catch (const std::exception& e) {
    warm_ = false;
    log::error("driver index warm-up failed; will retry", {{"error", e.what()}});
  }
}

awaitable<void> IndexMaintenance::sweep() {
  const auto removed = co_await index_.sweep_stale(now_ms());
  if (removed > 0) {
    swept_.inc(static_cast<std::uint64_t>(removed));
    log::debug("stale drivers swept", {{"count", removed}});
  }
  if (Clock::now() - last_warm_attempt_ < kRewarmPause) co_return;
  redis::Command exists{"EXISTS", IndexKeys::available};
  const auto reply = co_await redis_.command(std::move(exists));
  const bool vanished = reply.as_int() == 0;
  if (!warm_ || vanished || rewarm_requested_.exchange(false)) co_await warm_up();
}

}  // namespace uitgo::driver
