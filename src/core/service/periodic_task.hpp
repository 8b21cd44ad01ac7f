// The one way to run background work: a named task that runs a pass, waits
// its period, and runs the next, until stopped. Outbox relays, flushers,
// sweepers, audits and the matcher's queue consumers are all periodic tasks
// (a consumer is a task with period 0: passes back to back, each one waiting
// on the queue itself).
//
// - A failed pass (it throws) is logged and counted; the next one comes after
//   the period, or after the error backoff when one is set (base doubling per
//   consecutive failure up to max).
// - wake() starts the next pass at once (e.g. after a commit wrote outbox rows).
// - run_now() runs one pass and returns when it has finished, so tests and
//   operators trigger work instead of sleeping (the runtime exposes it as
//   POST /internal/tasks/{name}/run). Passes never overlap.
// - stop() ends the wait at once and waits for a pass in progress.
//
// Metrics: background_task_runs_total{task, outcome}, background_task_duration_seconds{task},
// background_task_last_success_timestamp_seconds{task}.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/base/async.hpp"
#include "core/base/metrics.hpp"

namespace uitgo::service {

struct ErrorBackoff {
  Millis base{1000};
  Millis max{30000};
};

struct TaskOptions {
  std::string name;
  // From the end of one pass to the start of the next; 0 = back to back.
  Millis period{1000};
  // Before the first pass; default: one period.
  std::optional<Millis> first_delay = {};
  // Waits after failed passes; default: the period.
  std::optional<ErrorBackoff> error_backoff = {};
  // One more pass when stopping (flushers write what is still buffered).
  bool final_pass = false;
};

class PeriodicTask {
 public:
  using Pass = std::function<awaitable<void>()>;

  PeriodicTask(const asio::any_io_executor& executor, metrics::Registry& metrics, TaskOptions options, Pass pass);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void start();
  // Asks the loop to end without waiting (any thread), so several tasks can
  // wind down at once before each is awaited with stop().
  void request_stop();
  // Ends the loop; a pass in progress finishes first (waits at most `grace`).
  awaitable<void> stop(Millis grace = Millis(15000));
  // Runs one pass that starts after this call and returns when it finished;
  // rethrows what that pass threw. Before start() the caller's coroutine runs
  // the pass; once stopping, it throws instead.
  awaitable<void> run_now();
  // The next pass starts at once (any thread; cheap).
  void wake();

  const std::string& name() const { return options_.name; }
  bool stopping() const { return stopping_.load(); }
  std::int64_t passes() const { return finished_count_.load(); }

 private:
  awaitable<void> loop();
  awaitable<void> run_pass();
  awaitable<void> wait(Millis delay);
  awaitable<void> wait_for_pass(std::int64_t target);
  Millis delay_after_pass() const;

  TaskOptions options_;
  Pass pass_;
  asio::strand<asio::any_io_executor> strand_;
  // Everything below is touched on strand_ only, except the atomics.
  asio::steady_timer wait_timer_;
  asio::steady_timer finished_signal_;  // cancelled after every pass and when the loop ends
  bool running_ = false;
  bool busy_ = false;
  bool woken_ = false;
  int consecutive_failures_ = 0;
  std::int64_t started_count_ = 0;
  std::exception_ptr last_error_;
  std::atomic<std::int64_t> finished_count_{0};
  std::atomic<bool> stopping_{false};
  metrics::Counter& ok_;
  metrics::Counter& failed_;
  metrics::Histogram& duration_;
  metrics::Gauge& last_success_;
};

}  // namespace uitgo::service
