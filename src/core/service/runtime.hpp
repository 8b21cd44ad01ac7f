// What every service process shares: the io_context and its threads, the
// HTTP server with the standard middleware, /health, /ready and /metrics,
// start-up steps (migrations) and graceful shutdown on SIGTERM/SIGINT.
#pragma once

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/base/async.hpp"
#include "core/base/config.hpp"
#include "core/base/metrics.hpp"
#include "core/http/auth.hpp"
#include "core/http/pipeline.hpp"
#include "core/http/router.hpp"
#include "core/http/server.hpp"
#include "core/service/periodic_task.hpp"

namespace uitgo::service {

// HTTP_*, LOG_LEVEL and SHUTDOWN_GRACE_MS with this service's default port.
config::Spec http_spec(int default_port);

class Runtime {
 public:
  using Step = std::function<awaitable<void>()>;

  Runtime(std::string name, const config::Values& config);
  ~Runtime();

  asio::io_context& io() { return io_; }
  asio::any_io_executor executor() { return io_.get_executor(); }
  http::Router& router() { return router_; }
  metrics::Registry& metrics() { return metrics_; }
  const config::Values& config() const { return config_; }
  const std::string& name() const { return name_; }

  void set_authenticator(std::shared_ptr<const http::Authenticator> authenticator);
  void set_internal_token(std::string token) { internal_token_ = std::move(token); }
  // The per-user rate limit every signed-in request passes (user_limits.hpp).
  void set_user_limit(http::UserLimit limit) { user_limit_ = std::move(limit); }
  // A dependency that /ready probes; the check throws when it is not usable.
  void add_readiness_check(std::string dependency, Step check);
  // Runs in order before the server accepts requests; a failure exits non-zero.
  void on_start(Step step);
  // Runs after the HTTP server drained and the tasks stopped, in reverse
  // order of registration.
  void on_stop(Step step);
  // A background task of this service: started after the start steps,
  // stopped after the HTTP server drained (before the stop steps), listed by
  // GET /internal/tasks and run on demand by POST /internal/tasks/{name}/run.
  PeriodicTask& add_task(TaskOptions options, PeriodicTask::Pass pass);

  // Blocks until shutdown completes. Returns the process exit code.
  int run();

 private:
  void add_standard_routes();
  void add_task_routes();
  awaitable<void> start_up();
  awaitable<void> shut_down();

  std::string name_;
  const config::Values& config_;
  asio::io_context io_;
  metrics::Registry metrics_;
  http::Router router_;
  std::shared_ptr<const http::Authenticator> authenticator_;
  std::string internal_token_;
  http::UserLimit user_limit_;
  std::vector<std::pair<std::string, Step>> readiness_checks_;
  std::vector<Step> start_steps_;
  std::vector<Step> stop_steps_;
  std::vector<std::unique_ptr<PeriodicTask>> tasks_;
  std::unique_ptr<http::Server> server_;
  int exit_code_ = 0;
};

}  // namespace uitgo::service
