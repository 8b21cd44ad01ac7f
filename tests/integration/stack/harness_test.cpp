// Smoke test of the test harness itself (tests/support/test_stack.*) and of
// scripts/stack.sh: real PostgreSQL primary + streaming replica and Redis on
// private ports, stop/start of single components, clean-up after failures and
// after the owning process is killed.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>

#include "support/eventually.hpp"
#include "support/shared_environment.hpp"
#include "support/shell.hpp"
#include "support/sql.hpp"
#include "support/test_stack.hpp"

namespace uitgo::test {
namespace {

using namespace std::chrono_literals;

// Whether `token` is in harness_probe on `dsn` (false while the table itself
// has not replicated yet).
bool has_token(const std::string& dsn, const std::string& token) {
  try {
    return scalar(dsn, "SELECT token FROM harness_probe WHERE token = '" + token + "'") == token;
  } catch (const SqlError&) {
    return false;
  }
}

bool redis_pong(std::uint16_t port) { return redis_cli(port, "PING") == "PONG"; }

std::string unique_token() {
  std::random_device rd;
  return std::to_string(::getpid()) + "-" + std::to_string(rd());
}

// One stack (primary + replica + redis) shared by the tests of this binary.
TestStack* stack = nullptr;

const auto* const environment = share_per_binary(
    stack, [] { return std::make_unique<TestStack>(StackOptions{.postgres = true, .replica = true, .redis = true}); });

TEST(StackHarness, PortsAreDistinctAndTheFolderIsPrivate) {
  const std::uint16_t ports[] = {stack->pg_port,   stack->pg_replica_port, stack->redis_port, stack->gateway_port,
                                 stack->user_port, stack->trip_port,       stack->driver_port};
  for (std::size_t i = 0; i < std::size(ports); ++i) {
    EXPECT_GT(ports[i], 0);
    for (std::size_t j = i + 1; j < std::size(ports); ++j) EXPECT_NE(ports[i], ports[j]);
  }
  ASSERT_TRUE(std::filesystem::is_directory(stack->dir()));
  EXPECT_EQ(stack->dir().rfind("/tmp/uitgo-test.", 0), 0u) << stack->dir();
  EXPECT_GT(stack->pid("postgres"), 0);
  EXPECT_GT(stack->pid("replica"), 0);
  EXPECT_GT(stack->pid("redis"), 0);
  EXPECT_EQ(stack->pid("nginx"), -1);
  EXPECT_EQ(stack->pid("trip-service"), -1);
  EXPECT_TRUE(std::filesystem::exists(stack->dir() + "/logs/postgres.log"));
  // The settings reach stack.sh only: the test process's environment is untouched.
  const char* run_dir = std::getenv("UITGO_RUN_DIR");
  EXPECT_TRUE(run_dir == nullptr || stack->dir() != run_dir);
  const char* pg_port = std::getenv("UITGO_PG_PORT");
  EXPECT_TRUE(pg_port == nullptr || std::to_string(stack->pg_port) != pg_port);
}

TEST(StackHarness, DatabasesExistAndTheReplicaIsAHotStandby) {
  for (const char* db : {"user_db", "trip_db", "driver_db"}) {
    EXPECT_EQ(scalar(stack->dsn(db), "SELECT current_user"), "uitgo") << db;
    EXPECT_EQ(scalar(stack->dsn(db), "SELECT pg_is_in_recovery()::text"), "false") << db;
    EXPECT_EQ(scalar(stack->replica_dsn(db), "SELECT pg_is_in_recovery()::text"), "true") << db;
  }
  EXPECT_EQ(scalar(stack->dsn("postgres"), "SELECT count(*)::text FROM pg_stat_replication WHERE state = 'streaming'"),
            "1");
}

TEST(StackHarness, RowWrittenOnThePrimaryAppearsOnTheReplica) {
  const auto primary = stack->dsn("trip_db");
  const auto replica = stack->replica_dsn("trip_db");
  scalar(primary, "CREATE TABLE IF NOT EXISTS harness_probe (token text PRIMARY KEY)");
  const std::string token = unique_token();
  scalar(primary, "INSERT INTO harness_probe VALUES ('" + token + "')");
  EXPECT_TRUE(eventually([&] { return has_token(replica, token); })) << "row never reached the replica";
  // The replica is read-only.
  EXPECT_THROW(scalar(replica, "INSERT INTO harness_probe VALUES ('x')"), SqlError);
}

TEST(StackHarness, ReplicaCatchesUpAfterStopAndStart) {
  const auto primary = stack->dsn("trip_db");
  scalar(primary, "CREATE TABLE IF NOT EXISTS harness_probe (token text PRIMARY KEY)");
  stack->stop("replica");
  EXPECT_EQ(stack->pid("replica"), -1);
  // The slot stays while the replica is only stopped: the primary keeps WAL.
  EXPECT_EQ(scalar(primary, "SELECT count(*)::text FROM pg_replication_slots"), "1");
  const std::string token = unique_token();
  scalar(primary, "INSERT INTO harness_probe VALUES ('" + token + "')");
  stack->start("replica");
  EXPECT_GT(stack->pid("replica"), 0);
  EXPECT_TRUE(eventually([&] { return has_token(stack->replica_dsn("trip_db"), token); }));
}

TEST(StackHarness, RedisAnswersAgainAfterStopAndStartWithItsData) {
  ASSERT_TRUE(redis_pong(stack->redis_port));
  EXPECT_EQ(redis_cli(stack->redis_port, "SET harness 1"), "OK");
  const int old_pid = stack->pid("redis");
  stack->stop("redis");
  EXPECT_EQ(stack->pid("redis"), -1);
  EXPECT_FALSE(process_alive(old_pid));
  EXPECT_FALSE(redis_pong(stack->redis_port));
  stack->start("redis");
  EXPECT_TRUE(redis_pong(stack->redis_port));
  EXPECT_GT(stack->pid("redis"), 0);
  EXPECT_NE(stack->pid("redis"), old_pid);
  // The append-only file (fsynced every second; a clean stop writes it all)
  // brings back what was written before the stop.
  EXPECT_EQ(redis_cli(stack->redis_port, "EXISTS harness"), "1");
}

TEST(StackHarness, StartingARunningComponentIsANoOp) {
  const int pid = stack->pid("postgres");
  stack->start("postgres");
  EXPECT_EQ(stack->pid("postgres"), pid);
}

TEST(StackHarnessStandalone, TwoStacksRunSideBySideAndCleanUp) {
  std::string dir_a, dir_b;
  int redis_a = -1, redis_b = -1;
  {
    TestStack a(StackOptions{.postgres = false, .redis = true});
    TestStack b(StackOptions{.postgres = false, .redis = true});
    dir_a = a.dir();
    dir_b = b.dir();
    EXPECT_NE(dir_a, dir_b);
    EXPECT_NE(a.redis_port, b.redis_port);
    EXPECT_TRUE(redis_pong(a.redis_port));
    EXPECT_TRUE(redis_pong(b.redis_port));
    redis_a = a.pid("redis");
    redis_b = b.pid("redis");
    EXPECT_GT(redis_a, 0);
    EXPECT_GT(redis_b, 0);
  }
  EXPECT_FALSE(process_alive(redis_a));
  EXPECT_FALSE(process_alive(redis_b));
  EXPECT_FALSE(std::filesystem::exists(dir_a));
  EXPECT_FALSE(std::filesystem::exists(dir_b));
}

// The SQS emulator of MATCH_QUEUE=sqs: loopback only (fauxqs itself would
// listen on every interface), its queues ready when `up` returns, stopped
// with the stack.
TEST(StackHarnessStandalone, TheSqsEmulatorListensOnLoopbackOnly) {
  int pid = -1;
  {
    TestStack s(StackOptions{.postgres = false, .redis = false, .sqs = true});
    ASSERT_TRUE(s.sqs());
    pid = s.pid("sqs");
    EXPECT_GT(pid, 0);
    EXPECT_EQ(s.sqs_endpoint(), "http://127.0.0.1:" + std::to_string(s.sqs_port));
    EXPECT_NE(s.sqs_queue_url().find("/trip_match_queue"), std::string::npos) << s.sqs_queue_url();
    EXPECT_NE(s.sqs_dlq_url().find("/trip_match_dlq"), std::string::npos) << s.sqs_dlq_url();
    // Every listening socket on that port, by local address.
    const auto listening = run_command("ss -Htln 'sport = :" + std::to_string(s.sqs_port) + "' | awk '{print $4}'").out;
    EXPECT_EQ(listening, "127.0.0.1:" + std::to_string(s.sqs_port) + "\n");
    // The redrive policy: to the DLQ after MATCH_MAX_DELIVERIES (5) receives.
    const auto queue =
        run_command("curl -s http://127.0.0.1:" + std::to_string(s.sqs_port) + "/_fauxqs/queues/trip_match_queue").out;
    EXPECT_NE(queue.find(R"(\"maxReceiveCount\":5)"), std::string::npos) << queue;
    EXPECT_NE(queue.find("trip_match_dlq"), std::string::npos) << queue;
  }
  EXPECT_FALSE(process_alive(pid));
}

TEST(StackHarnessStandalone, FailedStartThrowsWithTheScriptOutputAndCleansUp) {
  try {
    TestStack broken(StackOptions{
        .postgres = false, .redis = false, .services = true, .env = {{"UITGO_BIN", "/nonexistent/uitgo"}}});
    FAIL() << "expected the start to fail";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("scripts/stack.sh up services failed"), std::string::npos) << message;
    EXPECT_NE(message.find("/nonexistent/uitgo not found: run make build"), std::string::npos) << message;
    // Whatever had started is stopped and the folder is gone.
    const auto at = message.find("run dir ");
    ASSERT_NE(at, std::string::npos) << message;
    const auto dir = message.substr(at + 8, message.find(':', at) - at - 8);
    EXPECT_FALSE(std::filesystem::exists(dir)) << dir;
  }
}

// A test process killed without running destructors (SIGKILL, ctest timeout)
// must not leave servers behind: the harness's watchdog purges the stack.
TEST(StackHarnessStandalone, KilledOwnerIsCleanedUpByTheWatchdog) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    try {
      auto* leaked = new TestStack(StackOptions{.postgres = true, .redis = true});
      const std::string info = leaked->dir() + " " + std::to_string(leaked->pid("postgres")) + " " +
                               std::to_string(leaked->pid("redis")) + "\n";
      (void)!::write(fds[1], info.data(), info.size());
    } catch (const std::exception& e) {
      const std::string info = std::string("error ") + e.what() + "\n";
      (void)!::write(fds[1], info.data(), info.size());
    }
    ::close(fds[1]);
    for (;;) ::pause();
  }
  ::close(fds[1]);
  std::string info;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) info.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);

  std::istringstream in(info);
  std::string dir;
  int pg_pid = -1, redis_pid = -1;
  in >> dir >> pg_pid >> redis_pid;
  ASSERT_EQ(dir.rfind("/tmp/uitgo-test.", 0), 0u) << info;
  ASSERT_GT(pg_pid, 0) << info;
  ASSERT_GT(redis_pid, 0) << info;
  EXPECT_TRUE(eventually([&] { return !std::filesystem::exists(dir); }, 30s)) << dir << " still exists";
  EXPECT_TRUE(eventually([&] { return !process_alive(pg_pid) && !process_alive(redis_pid); }, 30s))
      << "servers of the killed owner still run";
}

}  // namespace
}  // namespace uitgo::test
