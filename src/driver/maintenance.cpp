#include "driver/maintenance.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>

#include "core/base/log.hpp"
#include "driver/timestamps.hpp"

namespace uitgo::driver {
namespace {

constexpr Millis kRewarmPause{5000};

}  // namespace

IndexMaintenance::IndexMaintenance(asio::any_io_executor executor, redis::Client& redis, DriverIndex& index,
                                   Profiles& profiles, metrics::Registry& metrics, Millis sweep_interval)
    : redis_(redis),
      index_(index),
      profiles_(profiles),
      interval_(sweep_interval),
      strand_(asio::make_strand(executor)),
      timer_(strand_),
      done_(strand_),
      swept_(metrics.counter("driver_index_swept_total", "stale drivers removed from the Redis index")),
      warm_ups_(metrics.counter("driver_index_warm_ups_total", "rebuilds of the Redis index from Postgres")) {}

awaitable<void> IndexMaintenance::warm_up() {
  last_warm_attempt_ = Clock::now();
  try {
    const auto started = Clock::now();
    const auto now = now_ms();
    const auto entries = co_await profiles_.warm_entries(now - index_.stale_ms());
    const auto positions = co_await index_.warm(entries, now);
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

void IndexMaintenance::start() {
  running_ = true;
  asio::co_spawn(strand_, run(), asio::detached);
}

awaitable<void> IndexMaintenance::stop() { co_await asio::co_spawn(strand_, stop_on_strand(), use_awaitable); }

awaitable<void> IndexMaintenance::stop_on_strand() {
  stopping_ = true;
  timer_.cancel();
  if (!running_) co_return;
  done_.expires_at(asio::steady_timer::time_point::max());
  boost::system::error_code ec;
  co_await done_.async_wait(asio::redirect_error(use_awaitable, ec));
}

awaitable<void> IndexMaintenance::run() {
  while (!stopping_) {
    timer_.expires_after(interval_);
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(use_awaitable, ec));
    if (stopping_) break;
    co_await tick();
  }
  running_ = false;
  done_.cancel();
}

awaitable<void> IndexMaintenance::tick() {
  try {
    const auto removed = co_await index_.sweep_stale(now_ms());
    if (removed > 0) {
      swept_.inc(static_cast<std::uint64_t>(removed));
      log::debug("stale drivers swept", {{"count", removed}});
    }
    if (Clock::now() - last_warm_attempt_ >= kRewarmPause) {
      redis::Command exists{"EXISTS", IndexKeys::available};
      const auto reply = co_await redis_.command(std::move(exists));
      if (!warm_ || reply.as_int() == 0) co_await warm_up();
    }
  } catch (const std::exception& e) {
    log::warn("driver index maintenance failed", {{"error", e.what()}});
  }
}

}  // namespace uitgo::driver
