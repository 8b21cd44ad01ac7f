// Smoke test of the test harness itself (tests/support/test_stack.*) and of
// scripts/stack.sh: real PostgreSQL primary + streaming replica and Redis on
// private ports, stop/start of single components, clean-up after failures and
// after the owning process is killed.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "support/test_stack.hpp"

using namespace std::chrono_literals;
using uitgo::test::StackOptions;
using uitgo::test::TestStack;

namespace {

struct PgConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConn = std::unique_ptr<PGconn, PgConnDeleter>;

PgConn connect(const std::string& dsn) {
  PgConn conn(PQconnectdb((dsn + " connect_timeout=5 options='-c client_min_messages=warning'").c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error("connect " + dsn + ": " + PQerrorMessage(conn.get()));
  }
  return conn;
}

// Runs `sql`; returns the first column of the first row, if any.
std::optional<std::string> query(PGconn* conn, const std::string& sql) {
  std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(conn, sql.c_str()), &PQclear);
  const auto status = PQresultStatus(res.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error(sql + ": " + PQerrorMessage(conn));
  }
  if (status == PGRES_TUPLES_OK && PQntuples(res.get()) > 0 && !PQgetisnull(res.get(), 0, 0)) {
    return std::string(PQgetvalue(res.get(), 0, 0));
  }
  return std::nullopt;
}

template <typename F>
bool eventually(F predicate, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return predicate();
}

// One RESP command over a fresh TCP connection; the raw reply, or "" when
// nothing answers.
std::string redis_command(std::uint16_t port, const std::string& resp) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::send(fd, resp.data(), resp.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(resp.size())) {
    char buf[512];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) reply.assign(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return reply;
}

// Whether `token` is in harness_probe on that connection (false while the
// table itself has not replicated yet).
bool has_token(PGconn* conn, const std::string& token) {
  try {
    return query(conn, "SELECT token FROM harness_probe WHERE token = '" + token + "'") == token;
  } catch (const std::runtime_error&) {
    return false;
  }
}

bool redis_pong(std::uint16_t port) { return redis_command(port, "PING\r\n") == "+PONG\r\n"; }

bool process_alive(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

std::string unique_token() {
  std::random_device rd;
  return std::to_string(::getpid()) + "-" + std::to_string(rd());
}

// One stack (primary + replica + redis) shared by the tests of this suite.
class StackHarness : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new TestStack(StackOptions{.postgres = true, .replica = true, .redis = true});
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }
  static TestStack* stack_;
};

TestStack* StackHarness::stack_ = nullptr;

TEST_F(StackHarness, PortsAreDistinctAndTheFolderIsPrivate) {
  const std::uint16_t ports[] = {stack_->pg_port,   stack_->pg_replica_port, stack_->redis_port, stack_->gateway_port,
                                 stack_->user_port, stack_->trip_port,       stack_->driver_port};
  for (std::size_t i = 0; i < std::size(ports); ++i) {
    EXPECT_GT(ports[i], 0);
    for (std::size_t j = i + 1; j < std::size(ports); ++j) EXPECT_NE(ports[i], ports[j]);
  }
  ASSERT_TRUE(std::filesystem::is_directory(stack_->dir()));
  EXPECT_EQ(stack_->dir().rfind("/tmp/uitgo-test.", 0), 0u) << stack_->dir();
  EXPECT_GT(stack_->pid("postgres"), 0);
  EXPECT_GT(stack_->pid("replica"), 0);
  EXPECT_GT(stack_->pid("redis"), 0);
  EXPECT_EQ(stack_->pid("nginx"), -1);
  EXPECT_EQ(stack_->pid("trip-service"), -1);
  EXPECT_TRUE(std::filesystem::exists(stack_->dir() + "/logs/postgres.log"));
  // The settings reach stack.sh only: the test process's environment is untouched.
  const char* run_dir = std::getenv("UITGO_RUN_DIR");
  EXPECT_TRUE(run_dir == nullptr || stack_->dir() != run_dir);
  const char* pg_port = std::getenv("UITGO_PG_PORT");
  EXPECT_TRUE(pg_port == nullptr || std::to_string(stack_->pg_port) != pg_port);
}

TEST_F(StackHarness, DatabasesExistAndTheReplicaIsAHotStandby) {
  for (const char* db : {"user_db", "trip_db", "driver_db"}) {
    auto primary = connect(stack_->dsn(db));
    EXPECT_EQ(query(primary.get(), "SELECT current_user"), "uitgo") << db;
    EXPECT_EQ(query(primary.get(), "SELECT pg_is_in_recovery()::text"), "false") << db;
    auto replica = connect(stack_->replica_dsn(db));
    EXPECT_EQ(query(replica.get(), "SELECT pg_is_in_recovery()::text"), "true") << db;
  }
  auto primary = connect(stack_->dsn("postgres"));
  EXPECT_EQ(query(primary.get(), "SELECT count(*)::text FROM pg_stat_replication WHERE state = 'streaming'"), "1");
}

TEST_F(StackHarness, RowWrittenOnThePrimaryAppearsOnTheReplica) {
  auto primary = connect(stack_->dsn("trip_db"));
  auto replica = connect(stack_->replica_dsn("trip_db"));
  query(primary.get(), "CREATE TABLE IF NOT EXISTS harness_probe (token text PRIMARY KEY)");
  const std::string token = unique_token();
  query(primary.get(), "INSERT INTO harness_probe VALUES ('" + token + "')");
  EXPECT_TRUE(eventually([&] { return has_token(replica.get(), token); })) << "row never reached the replica";
  // The replica is read-only.
  EXPECT_THROW(query(replica.get(), "INSERT INTO harness_probe VALUES ('x')"), std::runtime_error);
}

TEST_F(StackHarness, ReplicaCatchesUpAfterStopAndStart) {
  auto primary = connect(stack_->dsn("trip_db"));
  query(primary.get(), "CREATE TABLE IF NOT EXISTS harness_probe (token text PRIMARY KEY)");
  stack_->stop("replica");
  EXPECT_EQ(stack_->pid("replica"), -1);
  // The slot stays while the replica is only stopped: the primary keeps WAL.
  EXPECT_EQ(query(primary.get(), "SELECT count(*)::text FROM pg_replication_slots"), "1");
  const std::string token = unique_token();
  query(primary.get(), "INSERT INTO harness_probe VALUES ('" + token + "')");
  stack_->start("replica");
  EXPECT_GT(stack_->pid("replica"), 0);
  auto replica = connect(stack_->replica_dsn("trip_db"));
  EXPECT_TRUE(eventually([&] { return has_token(replica.get(), token); }));
}

TEST_F(StackHarness, RedisAnswersAgainAfterStopAndStart) {
  ASSERT_TRUE(redis_pong(stack_->redis_port));
  EXPECT_EQ(redis_command(stack_->redis_port, "SET harness 1\r\n"), "+OK\r\n");
  const int old_pid = stack_->pid("redis");
  stack_->stop("redis");
  EXPECT_EQ(stack_->pid("redis"), -1);
  EXPECT_FALSE(process_alive(old_pid));
  EXPECT_FALSE(redis_pong(stack_->redis_port));
  stack_->start("redis");
  EXPECT_TRUE(redis_pong(stack_->redis_port));
  EXPECT_GT(stack_->pid("redis"), 0);
  EXPECT_NE(stack_->pid("redis"), old_pid);
  // No persistence: a restart starts empty.
  EXPECT_EQ(redis_command(stack_->redis_port, "EXISTS harness\r\n"), ":0\r\n");
}

TEST_F(StackHarness, StartingARunningComponentIsANoOp) {
  const int pid = stack_->pid("postgres");
  stack_->start("postgres");
  EXPECT_EQ(stack_->pid("postgres"), pid);
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
