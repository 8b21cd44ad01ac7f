// Starts real PostgreSQL (+ streaming replica), Redis, the services and nginx
// for one test binary, on free loopback ports in a private temporary folder,
// through the same scripts/stack.sh that `make up` uses. Tear-down happens in
// the destructor, so a failing test still stops every process it started.
//
// If the test process dies without running the destructor (SIGKILL, abort,
// ctest timeout), a watchdog (`stack.sh watch <pid>`, in its own session)
// notices within about a second and stops and deletes everything.
// UITGO_KEEP_RUN_DIR=1 in the environment keeps the folder (logs, data) after
// the test for debugging; the servers are still stopped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace uitgo::test {

// Environment variables, in order: later entries win.
using Env = std::vector<std::pair<std::string, std::string>>;

struct StackOptions {
  bool postgres = true;
  bool replica = false;
  bool redis = true;
  // The SQS emulator (scripts/stack/sqs.sh), and the services match through
  // it (MATCH_QUEUE=sqs). A stack with services also gets it when the test
  // process runs with MATCH_QUEUE=sqs in its environment.
  bool sqs = false;
  bool services = false;  // user-service, trip-service, driver-service
  bool nginx = false;
  // Processes per service (>= 1). Instance 1 is named like the service
  // (e.g. driver-service); instance k >= 2 is the component
  // "<service>-k" (driver-service-2). The gateway balances over all of them.
  int trip_instances = 1;
  int driver_instances = 1;
  // Extra environment for the servers of this stack only (e.g. MATCHING_MODE,
  // DRIVER_SEARCH); the test process's own environment is not modified.
  Env env = {};
};

class TestStack {
 public:
  explicit TestStack(StackOptions options);
  ~TestStack();
  TestStack(const TestStack&) = delete;
  TestStack& operator=(const TestStack&) = delete;

  // libpq keyword/value DSN for one of user_db, trip_db, driver_db.
  std::string dsn(std::string_view database) const;
  std::string replica_dsn(std::string_view database) const;
  std::string redis_url() const;
  // Whether this stack runs the SQS emulator (and its services match through it).
  bool sqs() const { return sqs_; }
  // From the emulator's <dir>/sqs/queues.env: http://127.0.0.1:<port>, and the
  // URLs of the matching queue and its dead-letter queue. Throw without sqs.
  std::string sqs_endpoint() const;
  std::string sqs_queue_url() const;
  std::string sqs_dlq_url() const;
  // The secrets every service of this stack was started with (stack.sh keeps
  // them in <dir>/secrets.env): tests mint access tokens with the first and
  // call /internal/* with the second. Throw when the file has no such entry.
  std::string jwt_secret() const;
  std::string internal_token() const;

  // Stops / starts one component by name: postgres, replica, redis, sqs, nginx,
  // user-service, trip-service, driver-service.
  void stop(std::string_view component) const;
  void start(std::string_view component) const;
  // Runs `stack.sh seed` (the demo accounts and <dir>/demo-tokens.json, as
  // `make up` does); needs postgres.
  void seed() const { run_script("seed", ""); }
  // PID of a running component (from its pid file), or -1.
  int pid(std::string_view component) const;

  const std::string& dir() const { return dir_; }

  std::uint16_t pg_port = 0;
  std::uint16_t pg_replica_port = 0;
  std::uint16_t redis_port = 0;
  std::uint16_t sqs_port = 0;
  std::uint16_t gateway_port = 0;
  std::uint16_t user_port = 0;
  std::uint16_t trip_port = 0;
  std::uint16_t driver_port = 0;
  // Ports of every instance, the first one included (trip_ports[0] == trip_port).
  std::vector<std::uint16_t> trip_ports;
  std::vector<std::uint16_t> driver_ports;

 private:
  void run_script(std::string_view action, std::string_view components) const;
  std::string secret(std::string_view name) const;
  std::string sqs_setting(std::string_view name) const;
  std::vector<std::string> child_env() const;
  void start_watchdog();
  void tear_down() noexcept;

  StackOptions options_;
  bool sqs_ = false;
  std::string dir_;
  int watchdog_pid_ = -1;
};

// A TCP port on 127.0.0.1 that nothing listens on right now (kernel-chosen).
std::uint16_t free_port();

// Whether process `pid` runs (a zombie counts as gone: it no longer serves).
bool process_alive(int pid);

}  // namespace uitgo::test
