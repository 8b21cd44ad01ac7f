#include "loadgen/scenario_runner.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>

#include "core/base/time.hpp"
#include "loadgen/arrivals.hpp"
#include "loadgen/request_log.hpp"

namespace uitgo::loadgen {
namespace {

bool is_expected(const RequestSpec& spec, int status) {
  if (status == 0) return false;
  if (spec.expect.empty()) return status >= 200 && status < 400;  // k6's default expected statuses
  return std::find(spec.expect.begin(), spec.expect.end(), status) != spec.expect.end();
}

// Sleeps in short steps so that an interrupt is noticed soon (a startTime
// wait may last minutes).
awaitable<void> sleep_until(Clock::time_point at, const bool& interrupted) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!interrupted && Clock::now() < at) {
    timer.expires_at(std::min(at, Clock::now() + std::chrono::milliseconds(250)));
    co_await timer.async_wait(asio::as_tuple(use_awaitable));
  }
}

}  // namespace

ScenarioRunner::ScenarioRunner(const Scenario& scenario, ScenarioStats& stats, RunContext& context)
    : scenario_(scenario),
      stats_(stats),
      context_(context),
      running_(context.executor),
      rng_(std::hash<std::string>{}(scenario.name) ^
           static_cast<std::uint64_t>(Clock::now().time_since_epoch().count())) {}

ScenarioRunner::Vu& ScenarioRunner::create_vu() {
  auto vu = std::make_unique<Vu>();
  vu->id = static_cast<int>(vus_.size()) + 1;
  vu->connection = std::make_unique<Connection>(context_.executor, context_.endpoint);
  vus_.push_back(std::move(vu));
  stats_.vus_created = static_cast<int>(vus_.size());
  return *vus_.back();
}

ScenarioRunner::Vu* ScenarioRunner::acquire() {
  if (idle_.empty()) {
    if (static_cast<int>(vus_.size()) >= scenario_.vu_limit()) return nullptr;
    idle_.push_back(&create_vu());
  }
  Vu* vu = idle_.back();
  idle_.pop_back();
  ++stats_.vus_busy;
  return vu;
}

void ScenarioRunner::release(Vu* vu) {
  --stats_.vus_busy;
  idle_.push_back(vu);
}

std::vector<Value> ScenarioRunner::draw_values(const Vu& vu) {
  std::vector<Value> values;
  values.reserve(builtin_names().size() + scenario_.variables.size());
  values.push_back({false, random_uuid(rng_)});
  values.push_back({true, std::to_string(vu.id)});
  values.push_back({true, std::to_string(iteration_number_++)});
  values.push_back({false, scenario_.name});
  for (const auto& v : scenario_.variables) values.push_back(draw(v, rng_));
  return values;
}

awaitable<void> ScenarioRunner::iteration(Vu& vu, Clock::time_point scheduled) {
  const auto values = draw_values(vu);
  auto start = scheduled;
  for (const auto& spec : scenario_.requests) {
    Outgoing request;
    request.method = spec.method;
    request.target = spec.path.render(values);
    if (spec.body) request.body = spec.body->render(values);
    if (spec.auth == Auth::rider) request.bearer = context_.rider_token();
    if (spec.auth == Auth::driver) request.bearer = context_.driver_token();
    for (const auto& [name, value] : spec.headers) request.headers.emplace_back(name, value.render(values));
    const auto reply = co_await vu.connection->send(request, context_.timeout);
    const auto now = Clock::now();
    stats_.record(spec.name, reply.status, reply.error, is_expected(spec, reply.status), now - start);
    if (context_.request_log != nullptr) {
      const auto id = answer_id(reply.body);
      const RequestLogEntry entry{.end_ms = now_ms(),
                                  .scenario = scenario_.name,
                                  .request = spec.name,
                                  .status = reply.status,
                                  .error = reply.error,
                                  .latency_ms = std::chrono::duration<double, std::milli>(now - start).count(),
                                  .id = id};
      *context_.request_log << request_log_line(entry);
    }
    start = now;
  }
  ++vu.iterations;
  ++stats_.iterations;
}

awaitable<void> ScenarioRunner::open_model() {
  const auto base = context_.t0 + to_duration(scenario_.start_seconds);
  for (int i = 0; i < scenario_.pre_allocated_vus; ++i) idle_.push_back(&create_vu());
  ArrivalSchedule schedule(scenario_.start_rate, scenario_.stages);
  while (const auto offset = schedule.next()) {
    const auto at = base + to_duration(*offset);
    co_await sleep_until(at, context_.interrupted);
    if (context_.interrupted) break;
    Vu* vu = acquire();
    if (!vu) {
      ++stats_.dropped;
      continue;
    }
    running_.add();
    asio::co_spawn(context_.executor, iteration(*vu, at), [this, vu](std::exception_ptr) {
      release(vu);
      running_.done();
    });
  }
}

awaitable<void> ScenarioRunner::closed_loop(Vu& vu, Clock::time_point end) {
  while (Clock::now() < end && !context_.interrupted) {
    co_await iteration(vu, Clock::now());
    if (scenario_.think_seconds > 0)
      co_await sleep_until(std::min(end, Clock::now() + to_duration(scenario_.think_seconds)), context_.interrupted);
  }
}

awaitable<void> ScenarioRunner::run() {
  if (scenario_.executor == Executor::constant_vus) {
    const auto begin = context_.t0 + to_duration(scenario_.start_seconds);
    co_await sleep_until(begin, context_.interrupted);
    if (context_.interrupted) co_return;
    const auto end = begin + to_duration(scenario_.duration_seconds);
    for (int i = 0; i < scenario_.vus; ++i) {
      Vu* vu = acquire();
      running_.add();
      asio::co_spawn(context_.executor, closed_loop(*vu, end), [this, vu](std::exception_ptr) {
        release(vu);
        running_.done();
      });
    }
  } else {
    co_await open_model();
  }
  co_await running_.wait();
}

}  // namespace uitgo::loadgen
