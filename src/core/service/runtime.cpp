#include "core/service/runtime.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <malloc.h>

#include <algorithm>
#include <thread>

#include "core/base/log.hpp"
#include "core/http/pipeline.hpp"

namespace uitgo::service {
namespace {

constexpr Millis kReadinessDeadline{1000};

http::ServerOptions server_options(const config::Values& c) {
  return {.host = c.str("HTTP_HOST"),
          .port = static_cast<std::uint16_t>(c.integer("HTTP_PORT")),
          .max_body_bytes = static_cast<std::size_t>(c.integer("HTTP_MAX_BODY_BYTES")),
          .max_header_bytes = std::size_t{16} * 1024,
          .read_timeout = c.millis("HTTP_READ_TIMEOUT_MS"),
          .idle_timeout = c.millis("HTTP_IDLE_TIMEOUT_MS"),
          .write_timeout = c.millis("HTTP_WRITE_TIMEOUT_MS"),
          .max_in_flight = static_cast<std::size_t>(c.integer("HTTP_MAX_IN_FLIGHT"))};
}

std::size_t thread_count(const config::Values& c) {
  const auto configured = c.integer("HTTP_THREADS");
  if (configured > 0) return static_cast<std::size_t>(configured);
  return std::max(1u, std::thread::hardware_concurrency());
}

// glibc's own account of the heap: what the process holds (blocks in use,
// including mmapped ones) apart from what malloc keeps free for reuse. RSS
// alone cannot tell a leak from a heap that has not been trimmed.
void record_heap(metrics::Registry& metrics) {
  const struct mallinfo2 info = mallinfo2();
  const char* help = "heap bytes as glibc malloc accounts them";
  metrics.gauge("process_heap_bytes", help, {{"state", "in_use"}})
      .set(static_cast<double>(info.uordblks + info.hblkhd));
  metrics.gauge("process_heap_bytes", help, {{"state", "free"}}).set(static_cast<double>(info.fordblks));
}

}  // namespace

config::Spec http_spec(int default_port) {
  config::Spec spec;
  spec.string("HTTP_HOST", "127.0.0.1", "address to listen on (0.0.0.0 in containers)")
      .integer("HTTP_PORT", default_port, 0, 65535, "port to listen on (0 = any free port)")
      .integer("HTTP_THREADS", 0, 0, 256, "event-loop threads (0 = one per core)")
      .integer("HTTP_MAX_BODY_BYTES", std::int64_t{64} * 1024, 1024, std::int64_t{16} * 1024 * 1024,
               "largest request body; larger is 413")
      .integer("HTTP_READ_TIMEOUT_MS", 15000, 100, 600000, "time allowed to receive one request")
      .integer("HTTP_WRITE_TIMEOUT_MS", 15000, 100, 600000, "time allowed to send one response")
      .integer("HTTP_IDLE_TIMEOUT_MS", 60000, 100, 3600000, "keep-alive connection idle limit")
      .integer("HTTP_MAX_IN_FLIGHT", 4096, 1, 1000000, "requests handled at once before answering 503")
      .integer("SHUTDOWN_GRACE_MS", 10000, 0, 600000, "how long SIGTERM waits for in-flight requests")
      .choice("LOG_LEVEL", "info", {"debug", "info", "warn", "error"}, "lowest log level written");
  return spec;
}

Runtime::Runtime(std::string name, const config::Values& config)
    : name_(std::move(name)), config_(config), authenticator_(std::make_shared<http::RejectAllAuthenticator>()) {
  log::init(name_, config_.str("LOG_LEVEL"));
  add_standard_routes();
  add_task_routes();
}

Runtime::~Runtime() = default;

void Runtime::set_authenticator(std::shared_ptr<const http::Authenticator> authenticator) {
  authenticator_ = std::move(authenticator);
}

void Runtime::add_readiness_check(std::string dependency, Step check) {
  readiness_checks_.emplace_back(std::move(dependency), std::move(check));
}

void Runtime::on_start(Step step) { start_steps_.push_back(std::move(step)); }
void Runtime::on_stop(Step step) { stop_steps_.push_back(std::move(step)); }

PeriodicTask& Runtime::add_task(TaskOptions options, PeriodicTask::Pass pass) {
  tasks_.push_back(std::make_unique<PeriodicTask>(io_.get_executor(), metrics_, std::move(options), std::move(pass)));
  return *tasks_.back();
}

// Internal only: operators and tests run a task's pass now instead of waiting
// for its period (every task of that name, e.g. each matcher worker).
void Runtime::add_task_routes() {
  router_.add(
      "GET", "/internal/tasks",
      [this](http::Request&) -> awaitable<http::Response> {
        boost::json::array list;
        for (const auto& task : tasks_)
          list.emplace_back(boost::json::object{{"name", task->name()}, {"passes", task->passes()}});
        co_return http::Response::json(200, boost::json::object{{"tasks", std::move(list)}});
      },
      http::Access::internal_only());
  router_.add(
      "POST", "/internal/tasks/{name}/run",
      [this](http::Request& request) -> awaitable<http::Response> {
        const std::string name(request.path_param("name"));
        int ran = 0;
        for (const auto& task : tasks_) {
          if (task->name() != name) continue;
          co_await task->run_now();
          ++ran;
        }
        if (ran == 0) throw DomainError::not_found("no background task named " + name);
        co_return http::Response::json(200, boost::json::object{{"task", name}, {"passes", ran}});
      },
      http::Access::internal_only());
}

void Runtime::add_standard_routes() {
  router_.add("GET", "/health", [this](http::Request&) -> awaitable<http::Response> {
    co_return http::Response::json(200, boost::json::object{{"status", "ok"}, {"service", name_}});
  });
  router_.add("GET", "/ready", [this](http::Request&) -> awaitable<http::Response> {
    boost::json::object checks;
    bool ready = true;
    for (const auto& [dependency, check] : readiness_checks_) {
      std::string outcome = "ok";
      try {
        auto probe = with_deadline(check(), kReadinessDeadline, dependency);
        co_await std::move(probe);
      } catch (const std::exception& e) {
        outcome = e.what();
        ready = false;
      }
      checks[dependency] = outcome;
    }
    if (ready) co_return http::Response::json(200, {{"status", "ready"}, {"checks", checks}});
    co_return http::Response::json(503, {{"error", "not ready"}, {"code", "not_ready"}, {"checks", checks}})
        .with_header("Retry-After", "1");
  });
  router_.add("GET", "/metrics", [this](http::Request&) -> awaitable<http::Response> {
    co_return http::Response::text(200, metrics_.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
}

awaitable<void> Runtime::start_up() {
  try {
    for (auto& step : start_steps_) co_await step();
    for (auto& task : tasks_) task->start();
    server_->start();
    log::info("listening", {{"host", config_.str("HTTP_HOST")}, {"port", server_->port()}});
    co_return;
  } catch (const std::exception& e) {
    log::error("start-up failed", {{"error", e.what()}});
  }
  exit_code_ = 1;
  io_.stop();
}

awaitable<void> Runtime::shut_down() {
  log::info("shutting down: draining requests");
  co_await server_->shutdown(config_.millis("SHUTDOWN_GRACE_MS"));
  for (auto& task : tasks_) task->request_stop();
  for (auto& task : tasks_) co_await task->stop();
  for (auto it = stop_steps_.rbegin(); it != stop_steps_.rend(); ++it) {
    try {
      co_await (*it)();
    } catch (const std::exception& e) {
      log::error("shutdown step failed", {{"error", e.what()}});
    }
  }
  log::info("stopped");
  log::flush();
  io_.stop();
}

int Runtime::run() {
  http::Pipeline pipeline(router_, authenticator_);
  pipeline.set_internal_token(internal_token_);
  pipeline.set_user_limit(user_limit_);
  pipeline.use(http::request_id_middleware());
  pipeline.use(http::access_log_middleware(metrics_));
  pipeline.use(http::error_mapping_middleware());
  server_ = std::make_unique<http::Server>(io_, server_options(config_),
                                           [&pipeline](http::Request& r) { return pipeline.handle(r); });
  metrics_.on_collect([this] {
    metrics_.gauge("http_connections", "open client connections").set(static_cast<double>(server_->connections()));
    metrics_.gauge("http_requests_in_flight", "requests being handled").set(static_cast<double>(server_->in_flight()));
    record_heap(metrics_);
  });

  asio::signal_set signals(io_, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int) {
    if (!ec) asio::co_spawn(io_, shut_down(), asio::detached);
  });
  asio::co_spawn(io_, start_up(), asio::detached);

  std::vector<std::thread> threads;
  const auto n = thread_count(config_);
  for (std::size_t i = 1; i < n; ++i) threads.emplace_back([this] { io_.run(); });
  io_.run();
  for (auto& t : threads) t.join();
  return exit_code_;
}

}  // namespace uitgo::service
