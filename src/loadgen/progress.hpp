// Once per second: closes each scenario's one-second window into a time
// series row and prints one progress line on stderr (elapsed, request rate,
// errors, p95 of the last second, dropped iterations, busy VUs and, with
// --metrics-url, the matcher's queue depth read from the Prometheus gauge
// match_queue_depth).
#pragma once

#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <optional>
#include <string>

#include "loadgen/connection.hpp"
#include "loadgen/run_context.hpp"
#include "loadgen/stats.hpp"
#include "loadgen/wait_group.hpp"

namespace uitgo::loadgen {

class Progress {
 public:
  Progress(RunContext& context, RunStats& stats, bool print, std::optional<std::string> metrics_url);

  // Ticks until context.load_done, then closes the last partial second.
  awaitable<void> run();
  // Marks the load as done and wakes the ticker at once.
  void stop();

 private:
  awaitable<void> scrape();
  void close_second(int second);
  void print_line(int second);

  RunContext& context_;
  RunStats& stats_;
  bool print_;
  std::shared_ptr<const Endpoint> metrics_endpoint_;
  std::string metrics_target_;
  std::unique_ptr<Connection> metrics_connection_;
  bool scraping_ = false;
  asio::steady_timer timer_;
  WaitGroup scrapes_;
};

}  // namespace uitgo::loadgen
