#include "core/service/periodic_task.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <algorithm>

#include "core/base/log.hpp"
#include "core/base/time.hpp"

namespace uitgo::service {
namespace {

std::string describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

}  // namespace

PeriodicTask::PeriodicTask(const asio::any_io_executor& executor, metrics::Registry& metrics, TaskOptions options,
                           Pass pass)
    : options_(std::move(options)),
      pass_(std::move(pass)),
      strand_(asio::make_strand(executor)),
      wait_timer_(strand_),
      finished_signal_(strand_),
      ok_(metrics.counter("background_task_runs_total", "passes of background tasks by outcome",
                          {{"task", options_.name}, {"outcome", "ok"}})),
      failed_(metrics.counter("background_task_runs_total", "passes of background tasks by outcome",
                              {{"task", options_.name}, {"outcome", "error"}})),
      duration_(metrics.histogram("background_task_duration_seconds", "duration of one background task pass",
                                  {{"task", options_.name}})),
      last_success_(metrics.gauge("background_task_last_success_timestamp_seconds",
                                  "Unix time of the last successful pass of a background task",
                                  {{"task", options_.name}})) {
  // Never expires: waiters are woken by cancel(), which leaves the expiry as is.
  finished_signal_.expires_at(asio::steady_timer::time_point::max());
}

PeriodicTask::~PeriodicTask() = default;

void PeriodicTask::start() {
  running_ = true;  // before any run_now() queued after this call reaches the strand
  asio::co_spawn(strand_, loop(), asio::detached);
}

void PeriodicTask::request_stop() {
  stopping_.store(true);
  asio::post(strand_, [this] { wait_timer_.cancel(); });
}

void PeriodicTask::wake() {
  asio::post(strand_, [this] {
    woken_ = true;
    wait_timer_.cancel();
  });
}

awaitable<void> PeriodicTask::loop() {
  co_await wait(options_.first_delay.value_or(options_.period));
  while (!stopping_.load()) {
    co_await run_pass();
    if (stopping_.load()) break;
    co_await wait(delay_after_pass());
  }
  if (options_.final_pass) co_await run_pass();
  running_ = false;
  finished_signal_.cancel();
}

awaitable<void> PeriodicTask::wait(Millis delay) {
  if (!woken_ && delay.count() > 0) {
    wait_timer_.expires_after(delay);
    co_await wait_timer_.async_wait(asio::as_tuple(use_awaitable));
  }
  woken_ = false;
}

Millis PeriodicTask::delay_after_pass() const {
  if (consecutive_failures_ == 0 || !options_.error_backoff) return options_.period;
  const auto& backoff = *options_.error_backoff;
  auto delay = backoff.base;
  for (int i = 1; i < consecutive_failures_ && delay < backoff.max; ++i) delay *= 2;
  return std::min(delay, backoff.max);
}

awaitable<void> PeriodicTask::run_pass() {
  busy_ = true;
  ++started_count_;
  const auto started = Clock::now();
  std::exception_ptr error;
  try {
    co_await pass_();
  } catch (...) {
    error = std::current_exception();
  }
  busy_ = false;
  duration_.observe(std::chrono::duration<double>(Clock::now() - started).count());
  if (error) {
    failed_.inc();
    ++consecutive_failures_;
    log::warn("background task pass failed",
              {{"task", options_.name}, {"failures", consecutive_failures_}, {"error", describe(error)}});
  } else {
    ok_.inc();
    consecutive_failures_ = 0;
    last_success_.set(static_cast<double>(now_ms()) / 1000.0);
  }
  last_error_ = error;
  finished_count_.fetch_add(1);
  finished_signal_.cancel();
}

awaitable<void> PeriodicTask::wait_for_pass(std::int64_t target) {
  while (finished_count_.load() < target) {
    if (!running_) throw std::runtime_error("task " + options_.name + " stopped before the requested pass ran");
    co_await finished_signal_.async_wait(asio::as_tuple(use_awaitable));
  }
}

awaitable<void> PeriodicTask::run_now() {
  auto on_strand = [this]() -> awaitable<void> {
    if (stopping_.load()) throw std::runtime_error("task " + options_.name + " is stopping");
    if (running_) {
      // The loop runs the pass (never two at once): the next one to start is ours.
      const auto target = started_count_ + 1;
      woken_ = true;
      wait_timer_.cancel();
      co_await wait_for_pass(target);
    } else {
      while (busy_) co_await finished_signal_.async_wait(asio::as_tuple(use_awaitable));
      co_await run_pass();
    }
    if (last_error_) std::rethrow_exception(last_error_);
  };
  co_await asio::co_spawn(strand_, on_strand(), use_awaitable);
}

awaitable<void> PeriodicTask::stop(Millis grace) {
  auto on_strand = [this, grace]() -> awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    stopping_.store(true);
    wait_timer_.cancel();
    asio::steady_timer limit(strand_, grace);
    while (running_ && limit.expiry() > Clock::now()) {
      auto first =
          finished_signal_.async_wait(asio::as_tuple(use_awaitable)) || limit.async_wait(asio::as_tuple(use_awaitable));
      co_await std::move(first);
    }
    if (running_) log::warn("background task still busy at shutdown", {{"task", options_.name}});
  };
  co_await asio::co_spawn(strand_, on_strand(), use_awaitable);
}

}  // namespace uitgo::service
