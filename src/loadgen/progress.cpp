#include "loadgen/progress.hpp"

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <cstdio>

#include "loadgen/prometheus_text.hpp"
#include "loadgen/summary.hpp"

namespace uitgo::loadgen {

Progress::Progress(RunContext& context, RunStats& stats, bool print, std::optional<std::string> metrics_url)
    : context_(context), stats_(stats), print_(print), timer_(context.executor), scrapes_(context.executor) {
  if (metrics_url) {
    auto endpoint = parse_endpoint(*metrics_url);
    // The URL's path is the scrape target, not a prefix.
    metrics_target_ = endpoint.prefix.empty() ? "/metrics" : endpoint.prefix;
    endpoint.prefix.clear();
    metrics_endpoint_ = std::make_shared<const Endpoint>(std::move(endpoint));
    metrics_connection_ = std::make_unique<Connection>(context.executor, metrics_endpoint_);
  }
}

awaitable<void> Progress::scrape() {
  Outgoing request;
  request.method = "GET";
  request.target = metrics_target_;
  const auto reply = co_await metrics_connection_->send(request, std::chrono::milliseconds(900));
  scraping_ = false;
  if (reply.status != 200) co_return;
  if (const auto depth = prometheus_gauge(reply.body, "match_queue_depth")) {
    stats_.queue_depth_last = *depth;
    stats_.queue_depth_max = std::max(stats_.queue_depth_max.value_or(0), *depth);
  }
}

void Progress::close_second(int second) {
  if (!context_.timeseries) return;
  for (const auto& s : stats_.scenarios) {
    TimeseriesRow row;
    row.second = second;
    row.scenario = s.name;
    row.requests = s.window_requests;
    row.errors = s.window_failed;
    row.p50_ms = s.window.percentile(50) / 1000.0;
    row.p95_ms = s.window.percentile(95) / 1000.0;
    row.p99_ms = s.window.percentile(99) / 1000.0;
    *context_.timeseries << timeseries_line(row);
  }
  context_.timeseries->flush();
}

void Progress::print_line(int second) {
  Histogram merged;
  std::uint64_t requests = 0, failed = 0, dropped = 0;
  int busy = 0;
  for (const auto& s : stats_.scenarios) {
    merged.merge(s.window);
    requests += s.window_requests;
    failed += s.failed;
    dropped += s.dropped;
    busy += s.vus_busy;
  }
  char line[256];
  int n = std::snprintf(line, sizeof line, "loadgen %4ds  %7.1f req/s  errors %llu  p95 %8.2f ms  dropped %llu  vus %d",
                        second, static_cast<double>(requests), static_cast<unsigned long long>(failed),
                        merged.percentile(95) / 1000.0, static_cast<unsigned long long>(dropped), busy);
  if (stats_.queue_depth_last && n > 0 && n < static_cast<int>(sizeof line)) {
    std::snprintf(line + n, sizeof line - static_cast<std::size_t>(n), "  queue %.0f", *stats_.queue_depth_last);
  }
  std::fprintf(stderr, "%s\n", line);
}

void Progress::stop() {
  context_.load_done = true;
  timer_.cancel();
}

awaitable<void> Progress::run() {
  int second = 0;
  while (!context_.load_done) {
    timer_.expires_at(context_.t0 + std::chrono::seconds(second + 1));
    co_await timer_.async_wait(asio::as_tuple(use_awaitable));
    // stop() wakes the ticker early: the last, partial second is kept only
    // when something happened in it.
    const bool partial = context_.load_done && Clock::now() < timer_.expiry();
    const bool empty = std::all_of(stats_.scenarios.begin(), stats_.scenarios.end(),
                                   [](const ScenarioStats& s) { return s.window_requests == 0; });
    if (partial && empty) break;
    if (metrics_connection_ && !scraping_ && !context_.load_done) {
      scraping_ = true;
      scrapes_.add();
      asio::co_spawn(context_.executor, scrape(), [this](std::exception_ptr) { scrapes_.done(); });
    }
    if (print_) print_line(second + 1);
    close_second(second);
    for (auto& s : stats_.scenarios) {
      s.window.clear();
      s.window_requests = s.window_failed = 0;
    }
    ++second;
  }
  co_await scrapes_.wait();  // it refers to this object
}

}  // namespace uitgo::loadgen
