#include "loadgen/run.hpp"

#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdio>
#include <ctime>

#include "core/base/time.hpp"
#include "loadgen/arrivals.hpp"
#include "loadgen/driver_fleet.hpp"
#include "loadgen/progress.hpp"
#include "loadgen/scenario_runner.hpp"
#include "loadgen/wait_group.hpp"

namespace uitgo::loadgen {
namespace {

std::string utc_now() { return format_rfc3339_ms(now_ms()); }

// GET /health must answer 200. Through the gateway, each service's
// /<service>/health must not be a 5xx either (a service that is down); a
// 404 there means the API base is not the gateway, which is fine.
awaitable<void> check_reachable(const std::shared_ptr<const Endpoint>& endpoint) {
  auto executor = co_await asio::this_coro::executor;
  Connection connection(executor, endpoint);
  for (const char* target : {"/health", "/user-service/health", "/trip-service/health", "/driver-service/health"}) {
    Outgoing health;
    health.method = "GET";
    health.target = target;
    const auto reply = co_await connection.send(health, std::chrono::seconds(3));
    const std::string what = std::string("GET ") + target;
    if (reply.status == 0) {
      throw SetupError("the API base " + endpoint->base_url + " is unreachable (" + what + ": " + reply.error + ")");
    }
    const bool ok = reply.status == 200 || (reply.status == 404 && std::string_view(target) != "/health");
    if (!ok) {
      throw SetupError("the API base " + endpoint->base_url + " is not healthy (" + what + " answered " +
                       std::to_string(reply.status) + ")");
    }
  }
}

// Every role the scenarios sign with needs at least one token of that role.
void check_tokens(const Profile& profile, const Tokens& tokens) {
  for (const auto& s : profile.scenarios) {
    for (const auto& r : s.requests) {
      if (r.auth == Auth::rider && tokens.riders.empty()) {
        throw SetupError("scenario " + s.name + " needs rider tokens and " + tokens.source + " has none");
      }
      if (r.auth == Auth::driver && tokens.drivers.empty()) {
        throw SetupError("scenario " + s.name + " needs driver tokens and " + tokens.source + " has none");
      }
    }
  }
  if (!profile.drivers || profile.drivers->count == 0) return;
  if (tokens.drivers.empty()) {
    throw SetupError("the profile simulates " + std::to_string(profile.drivers->count) +
                     " drivers but there are no driver tokens (use --tokens with SEED_DRIVERS=N, or --drivers 0)");
  }
  for (const auto& d : tokens.drivers) {
    if (d.id.empty()) throw SetupError("driver tokens need their driver id (\"id\") for the simulated drivers");
  }
  if (tokens.drivers.size() < static_cast<std::size_t>(profile.drivers->count)) {
    std::fprintf(stderr, "loadgen: only %zu driver tokens for %d simulated drivers; simulating %zu\n",
                 tokens.drivers.size(), profile.drivers->count, tokens.drivers.size());
  }
}

void print_plan(const Profile& profile, const Endpoint& endpoint, int drivers) {
  std::fprintf(stderr, "loadgen: profile %s against %s, %.0f s\n", profile.name.c_str(), endpoint.base_url.c_str(),
               profile.total_seconds());
  for (const auto& s : profile.scenarios) {
    if (s.executor == Executor::constant_vus) {
      std::fprintf(stderr, "  %s: constant-vus, %d VUs for %.0f s\n", s.name.c_str(), s.vus, s.duration_seconds);
    } else {
      std::fprintf(stderr, "  %s: %llu arrivals over %.0f s from %.0f s, up to %d VUs\n", s.name.c_str(),
                   static_cast<unsigned long long>(ArrivalSchedule::total(s.start_rate, s.stages)), s.active_seconds(),
                   s.start_seconds, s.max_vus);
    }
  }
  if (drivers > 0) std::fprintf(stderr, "  %d simulated drivers\n", drivers);
}

// After the measured run the riders still waiting go home: their trips are
// cancelled, so the next run (a bench-compare step, a test) starts with free
// riders and no backlog of this one's. Not part of any figure.
awaitable<void> riders_go_home(RunContext& ctx) {
  if (!ctx.riders) co_return;
  auto trips = ctx.riders->take_open_trips();
  if (trips.empty()) co_return;
  std::size_t next = 0;
  std::uint64_t cancelled = 0;
  auto worker = [&]() -> awaitable<void> {
    Connection connection(ctx.executor, ctx.endpoint);
    while (next < trips.size()) {
      const auto& entry = trips[next++];  // no structured binding across co_await (GCC 12)
      const auto cancel = rider_cancel(entry.second, ctx.tokens.riders[entry.first].token, "rider went home");
      const auto reply = co_await connection.send(cancel, ctx.timeout);
      if (reply.status == 200) ++cancelled;
    }
  };
  WaitGroup workers(ctx.executor);
  for (int i = 0; i < 32; ++i) {
    workers.add();
    asio::co_spawn(ctx.executor, worker(), [&workers](std::exception_ptr) { workers.done(); });
  }
  co_await workers.wait();
  std::fprintf(stderr, "loadgen: %llu trips still waiting at the end were cancelled by their riders\n",
               static_cast<unsigned long long>(cancelled));
}

}  // namespace

awaitable<void> execute(Run& run) {
  auto& ctx = run.context;
  co_await check_reachable(ctx.endpoint);
  if (run.login) ctx.tokens = co_await login_demo_accounts(ctx.endpoint, ctx.timeout);
  check_tokens(run.profile, ctx.tokens);
  if (ctx.tokens.riders.size() > 1) ctx.riders = std::make_unique<RiderPool>(ctx.tokens.riders.size());

  std::unique_ptr<DriverFleet> fleet;
  if (run.profile.drivers && run.profile.drivers->count > 0) {
    fleet = std::make_unique<DriverFleet>(ctx, *run.profile.drivers, run.stats.drivers);
    co_await fleet->go_online();
  }
  print_plan(run.profile, *ctx.endpoint, run.stats.drivers.drivers);

  ctx.t0 = Clock::now() + std::chrono::milliseconds(20);
  run.stats.started_at = utc_now();
  for (const auto& s : run.profile.scenarios) {
    run.stats.scenarios.emplace_back();
    run.stats.scenarios.back().name = s.name;
  }
  std::vector<std::unique_ptr<ScenarioRunner>> runners;
  WaitGroup scenarios(ctx.executor);
  for (std::size_t i = 0; i < run.profile.scenarios.size(); ++i) {
    runners.push_back(std::make_unique<ScenarioRunner>(run.profile.scenarios[i], run.stats.scenarios[i], ctx));
    scenarios.add();
    asio::co_spawn(ctx.executor, runners.back()->run(), [&scenarios](std::exception_ptr) { scenarios.done(); });
  }
  if (fleet) fleet->start();
  // Ctrl-C / SIGTERM: stop scheduling, let in-flight requests finish, and
  // still write the summary (like k6). A second signal kills as usual.
  asio::signal_set signals(ctx.executor, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    ctx.interrupted = true;
    std::fprintf(stderr, "loadgen: interrupted; waiting for the requests in flight\n");
    boost::system::error_code ignored;
    signals.clear(ignored);
  });
  Progress progress(ctx, run.stats, run.progress, run.metrics_url);
  WaitGroup ticker(ctx.executor);
  ticker.add();
  asio::co_spawn(ctx.executor, progress.run(), [&ticker](std::exception_ptr) { ticker.done(); });

  co_await scenarios.wait();
  boost::system::error_code ignored;
  signals.cancel(ignored);
  run.stats.seconds = std::chrono::duration<double>(Clock::now() - ctx.t0).count();
  progress.stop();
  co_await ticker.wait();
  // The drivers finish the rides under way first (freeing their riders).
  if (fleet) co_await fleet->finish();
  co_await riders_go_home(ctx);
}

}  // namespace uitgo::loadgen
