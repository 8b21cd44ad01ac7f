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

// POST /v1/trips: the request a rider makes once per trip.
bool creates_trip(const RequestSpec& spec, std::string_view target) {
  return spec.auth == Auth::rider && spec.method == "POST" && target.substr(0, target.find('?')) == "/v1/trips";
}

}  // namespace

Outgoing rider_cancel(const std::string& trip_id, const std::string& bearer, std::string_view reason) {
  Outgoing cancel;
  cancel.method = "POST";
  cancel.target = "/v1/trips/" + trip_id + "/status";
  cancel.body = R"({"status":"cancelled","reason":")" + std::string(reason) + "\"}";
  cancel.bearer = bearer;
  return cancel;
}

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
    std::optional<std::size_t> rider;
    if (context_.riders && creates_trip(spec, request.target)) {
      rider = co_await free_rider(vu);
      request.bearer = context_.tokens.riders[*rider].token;
      start = std::max(start, Clock::now());
    } else if (spec.auth == Auth::rider) {
      request.bearer = context_.rider_token();
    }
    if (spec.auth == Auth::driver) request.bearer = context_.driver_token();
    for (const auto& [name, value] : spec.headers) request.headers.emplace_back(name, value.render(values));
    auto reply = co_await vu.connection->send(request, context_.timeout);
    if (rider && reply.status == 409) {
      // The rider still holds a trip this run never saw (an earlier run, or
      // more VUs than riders): given up like any other, then asked again.
      const auto held = open_trip_named(reply.body);
      bool free = false;
      if (!held.empty()) free = co_await give_up(vu, request.bearer, held);
      if (free) reply = co_await vu.connection->send(request, context_.timeout);
    }
    const auto now = Clock::now();
    if (rider) {
      if (reply.status == 201) {
        context_.riders->opened(*rider, std::string(answer_id(reply.body)));
      } else {
        context_.riders->failed(*rider);
      }
    }
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

// A rider whose trip found no driver while every other rider also waits
// cancels it before asking again. Counted apart, not in the scenario's
// requests. True when the rider is free: cancelled, or the trip had ended
// (409 and a final status); a trip already under way (in_ride) keeps its
// rider.
awaitable<bool> ScenarioRunner::give_up(Vu& vu, const std::string& bearer, const std::string& trip_id) {
  const auto cancel = rider_cancel(trip_id, bearer, "rider gave up waiting");
  const auto reply = co_await vu.connection->send(cancel, context_.timeout);
  if (reply.status == 200) {
    ++stats_.riders_gave_up;
    co_return true;
  }
  if (reply.status != 409) {
    ++stats_.give_up_failures;
    co_return true;  // the create will tell
  }
  Outgoing look;
  look.method = "GET";
  look.target = "/v1/trips/" + trip_id;
  look.bearer = bearer;
  const auto trip = co_await vu.connection->send(look, context_.timeout);
  const bool ended = trip.body.find(R"("status":"completed")") != std::string::npos ||
                     trip.body.find(R"("status":"cancelled")") != std::string::npos;
  co_return trip.status != 200 || ended;
}

// A rider without an open trip: one who is free, or the one waiting longest
// after giving up; a rider whose trip is under way is passed over (a few times
// at most, then the request goes out anyway).
awaitable<std::size_t> ScenarioRunner::free_rider(Vu& vu) {
  auto turn = context_.riders->next();
  for (int tries = 0; turn.give_up && tries < 5; ++tries) {
    const auto& token = context_.tokens.riders[turn.rider].token;
    const auto trip = *turn.give_up;
    const bool free = co_await give_up(vu, token, trip);
    if (free) break;
    context_.riders->opened(turn.rider, trip);  // still riding: back in the queue
    turn = context_.riders->next();
  }
  co_return turn.rider;
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
