#include "loadgen/command.hpp"

#include <boost/asio/io_context.hpp>

#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string_view>

#include "core/base/json_text.hpp"
#include "loadgen/options.hpp"
#include "loadgen/request_log.hpp"
#include "loadgen/run.hpp"
#include "loadgen/scenario_file.hpp"
#include "loadgen/summary.hpp"

namespace uitgo::loadgen {
namespace {

// Every VU holds a socket: allow as many as the hard limit permits.
void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

void print_result(const RunStats& stats, const std::vector<ThresholdResult>& thresholds) {
  Histogram all;
  std::uint64_t requests = 0, failed = 0, dropped = 0, gave_up = 0;
  for (const auto& s : stats.scenarios) {
    all.merge(s.durations);
    requests += s.requests;
    failed += s.failed;
    dropped += s.dropped;
    gave_up += s.riders_gave_up;
  }
  std::fprintf(stderr, "loadgen: %llu requests in %.1f s, %llu failed, p95 %.2f ms, p99 %.2f ms, dropped %llu\n",
               static_cast<unsigned long long>(requests), stats.seconds, static_cast<unsigned long long>(failed),
               all.percentile(95) / 1000.0, all.percentile(99) / 1000.0, static_cast<unsigned long long>(dropped));
  if (gave_up > 0) {
    std::fprintf(stderr, "  %llu trips cancelled by riders who gave up waiting (every rider held an open trip)\n",
                 static_cast<unsigned long long>(gave_up));
  }
  for (const auto& t : thresholds) {
    std::fprintf(stderr, "  threshold %s %s: %s (observed %.4g)\n", t.metric.c_str(), t.expression.c_str(),
                 t.ok ? "ok" : "FAILED", t.observed);
  }
}

void write_file(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text << std::flush;
    return;
  }
  std::ofstream out(path);
  out << text;
  if (!out) throw SetupError("cannot write " + path);
}

// A CSV the run writes as it goes (--request-log, --timeseries), header first;
// nullptr when no path was given.
std::ostream* open_csv(std::ofstream& file, const std::string& path, std::string_view header) {
  if (path.empty()) return nullptr;
  file.open(path);
  file << header;
  if (!file) throw SetupError("cannot write " + path);
  return &file;
}

void close_csv(std::ofstream& file, const std::string& path) {
  if (!file.is_open()) return;
  file.close();
  if (!file) throw SetupError("cannot write " + path);
}

int run_loadgen(const config::Values& env, const std::vector<std::string>& args) {
  const auto options = parse_options(env, args);
  Overrides overrides{options.overrides, options.ambient};
  auto profile = load_profile(options.profile, options.scenarios_dir, overrides);
  select_scenarios(profile, options.only_scenarios);
  try {
    if (options.metrics_url) parse_endpoint(*options.metrics_url);  // checked before the run
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--metrics-url: ") + e.what());
  }
  raise_open_file_limit();

  asio::io_context io(1);
  Run run{profile, {}, {}, false, options.progress, options.metrics_url};
  run.context.executor = io.get_executor();
  try {
    run.context.endpoint = std::make_shared<const Endpoint>(parse_endpoint(options.api_base));
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--api-base: ") + e.what());
  }
  run.context.timeout = to_duration(options.timeout_seconds);
  std::ofstream request_log;
  std::ofstream timeseries;
  run.context.request_log = open_csv(request_log, options.request_log, kRequestLogHeader);
  run.context.timeseries = open_csv(timeseries, options.timeseries, kTimeseriesHeader);
  if (!options.tokens_file.empty()) {
    run.context.tokens = tokens_from_file(options.tokens_file);
  } else if (!options.access_token.empty()) {
    run.context.tokens = single_rider_token(options.access_token);
  } else {
    run.login = true;
  }
  std::exception_ptr failure;
  asio::co_spawn(io, execute(run), [&](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) std::rethrow_exception(failure);

  const auto thresholds = options.thresholds ? evaluate_thresholds(profile, run.stats) : std::vector<ThresholdResult>{};
  const SummaryContext summary_context{options.api_base, run.context.tokens.source, options.thresholds};
  write_file(options.out, uitgo::json::to_text(summary_json(profile, run.stats, thresholds, summary_context)) + "\n");
  close_csv(timeseries, options.timeseries);
  close_csv(request_log, options.request_log);
  print_result(run.stats, thresholds);
  const bool thresholds_ok = std::all_of(thresholds.begin(), thresholds.end(), [](const auto& t) { return t.ok; });
  std::uint64_t failed = 0;
  for (const auto& s : run.stats.scenarios) failed += s.failed;
  if (!thresholds_ok) return 1;
  if (options.fail_on_error && failed > 0) return 1;
  return 0;
}

int run(const config::Values& env, const std::vector<std::string>& args) {
  try {
    return run_loadgen(env, args);
  } catch (const UsageError& e) {
    std::cerr << "uitgo loadgen: " << e.what() << "\n";
  } catch (const ScenarioError& e) {
    std::cerr << "uitgo loadgen: " << e.what() << "\n";
  } catch (const TokenError& e) {
    std::cerr << "uitgo loadgen: " << e.what() << "\n";
  } catch (const SetupError& e) {
    std::cerr << "uitgo loadgen: " << e.what() << "\n";
  }
  return 2;
}

}  // namespace

service::Command command() {
  service::Command c{"loadgen", "open-model load generator: run a load profile, write a k6-style summary", options_spec,
                     nullptr};
  c.run_with_args = run;
  c.usage = kUsage;
  return c;
}

}  // namespace uitgo::loadgen
