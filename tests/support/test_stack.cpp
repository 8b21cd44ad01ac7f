#include "support/test_stack.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <stdexcept>
#include <system_error>

#ifndef UITGO_SOURCE_DIR
#error "UITGO_SOURCE_DIR must be defined (tests/CMakeLists.txt does it)"
#endif
#ifndef UITGO_BINARY
#error "UITGO_BINARY must be defined (tests/CMakeLists.txt does it)"
#endif

extern char** environ;

namespace uitgo::test {
namespace {

constexpr const char* kScript = UITGO_SOURCE_DIR "/scripts/stack.sh";
constexpr int kStartAttempts = 3;  // a port picked by free_port() can be taken before we bind it

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Closes a file descriptor at scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// `count` distinct free ports: all sockets stay bound until every port is
// chosen, so the kernel cannot hand out the same port twice.
std::vector<std::uint16_t> free_ports(std::size_t count) {
  std::vector<int> fds;
  std::vector<std::uint16_t> ports;
  auto close_all = [&] {
    for (int fd : fds) ::close(fd);
  };
  for (std::size_t i = 0; i < count; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      close_all();
      throw_errno("socket");
    }
    fds.push_back(fd);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      close_all();
      throw_errno("bind/getsockname on 127.0.0.1:0");
    }
    ports.push_back(ntohs(addr.sin_port));
  }
  close_all();
  return ports;
}

std::string read_fd(int fd) {
  std::string out;
  if (::lseek(fd, 0, SEEK_SET) < 0) return out;
  std::array<char, 8192> buffer{};
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n > 0) {
      out.append(buffer.data(), static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  return out;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ') ++j;
    if (j > i) words.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return words;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// posix_spawn attributes for our children: default signal handling and an
// empty mask whatever the test process did (e.g. ignoring SIGPIPE).
class SpawnAttr {
 public:
  explicit SpawnAttr(bool new_session) {
    ::posix_spawnattr_init(&attr_);
    sigset_t set;
    sigemptyset(&set);
    ::posix_spawnattr_setsigmask(&attr_, &set);
    sigemptyset(&set);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD}) sigaddset(&set, sig);
    ::posix_spawnattr_setsigdefault(&attr_, &set);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
#ifdef POSIX_SPAWN_SETSID
    if (new_session) flags |= POSIX_SPAWN_SETSID;
#else
    (void)new_session;
#endif
    ::posix_spawnattr_setflags(&attr_, flags);
  }
  ~SpawnAttr() { ::posix_spawnattr_destroy(&attr_); }
  SpawnAttr(const SpawnAttr&) = delete;
  SpawnAttr& operator=(const SpawnAttr&) = delete;
  const posix_spawnattr_t* get() const { return &attr_; }

 private:
  posix_spawnattr_t attr_;
};

// stdin from /dev/null, stdout+stderr to `out_fd`, nothing else inherited
// (the servers the script starts must not keep the test's sockets open).
class SpawnFiles {
 public:
  explicit SpawnFiles(int out_fd) {
    ::posix_spawn_file_actions_init(&actions_);
    ::posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_adddup2(&actions_, out_fd, 1);
    ::posix_spawn_file_actions_adddup2(&actions_, out_fd, 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    ::posix_spawn_file_actions_addclosefrom_np(&actions_, 3);
#endif
  }
  ~SpawnFiles() { ::posix_spawn_file_actions_destroy(&actions_); }
  SpawnFiles(const SpawnFiles&) = delete;
  SpawnFiles& operator=(const SpawnFiles&) = delete;
  const posix_spawn_file_actions_t* get() const { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

std::string describe_status(int status) {
  if (status < 0) return "wait failed";
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("signal ") + ::strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// "p2 p3 ...": the ports after the first instance's, for stack.sh.
std::string extra_ports(const std::vector<std::uint16_t>& ports) {
  std::string out;
  for (std::size_t i = 1; i < ports.size(); ++i) out += (out.empty() ? "" : " ") + std::to_string(ports[i]);
  return out;
}

}  // namespace

bool process_alive(int pid) {
  if (pid <= 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  // Field 3 (state) follows the command name in parentheses, which may
  // itself contain spaces or parentheses: look after the last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos || close + 2 >= line.size()) return false;
  return line[close + 2] != 'Z';  // a zombie no longer serves anything
}

std::uint16_t free_port() { return free_ports(1).front(); }

// MATCH_QUEUE=sqs in the test's environment: stacks with services match through SQS.
bool sqs_from_environment() {
  const char* value = std::getenv("MATCH_QUEUE");
  return value != nullptr && std::string_view(value) == "sqs";
}

TestStack::TestStack(StackOptions options)
    : options_(std::move(options)), sqs_(options_.sqs || (options_.services && sqs_from_environment())) {
  std::string components;
  auto add = [&](bool wanted, const char* name) {
    if (wanted) components += (components.empty() ? "" : " ") + std::string(name);
  };
  add(options_.postgres, "postgres");
  add(options_.replica, "replica");
  add(options_.redis, "redis");
  add(sqs_, "sqs");
  add(options_.services, "services");
  add(options_.nginx, "nginx");

  for (int attempt = 1;; ++attempt) {
    std::string tmpl = "/tmp/uitgo-test.XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw_errno("mkdtemp " + tmpl);
    dir_ = tmpl;
    const auto trips = static_cast<std::size_t>(std::max(1, options_.trip_instances));
    const auto drivers = static_cast<std::size_t>(std::max(1, options_.driver_instances));
    const auto ports = free_ports(6 + trips + drivers);
    pg_port = ports[0];
    pg_replica_port = ports[1];
    redis_port = ports[2];
    gateway_port = ports[3];
    user_port = ports[4];
    sqs_port = ports[5];
    trip_ports.assign(ports.begin() + 6, ports.begin() + 6 + static_cast<std::ptrdiff_t>(trips));
    driver_ports.assign(ports.begin() + 6 + static_cast<std::ptrdiff_t>(trips), ports.end());
    trip_port = trip_ports.front();
    driver_port = driver_ports.front();
    try {
      start_watchdog();
      if (!components.empty()) run_script("up", components);
      std::cerr << "[test-stack] " << (components.empty() ? "(nothing)" : components) << " up in " << dir_ << "\n";
      return;
    } catch (const std::exception& e) {
      const bool port_race = std::string_view(e.what()).find("already in use") != std::string_view::npos;
      tear_down();
      if (!port_race || attempt >= kStartAttempts) throw;
      std::cerr << "[test-stack] a port was taken meanwhile; retrying with new ports\n";
    }
  }
}

TestStack::~TestStack() { tear_down(); }

void TestStack::tear_down() noexcept {
  if (dir_.empty()) return;
  const char* keep_env = std::getenv("UITGO_KEEP_RUN_DIR");
  const bool keep = keep_env != nullptr && *keep_env != '\0' && std::string_view(keep_env) != "0";
  try {
    run_script(keep ? "down" : "purge", "");
  } catch (const std::exception& e) {
    std::cerr << "[test-stack] tear-down: " << e.what() << "\n";
  }
  if (watchdog_pid_ > 0) {
    ::kill(watchdog_pid_, SIGTERM);
    wait_for(watchdog_pid_);
    watchdog_pid_ = -1;
  }
  if (keep) {
    std::cerr << "[test-stack] UITGO_KEEP_RUN_DIR: kept " << dir_ << "\n";
  } else {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  dir_.clear();
}

// `stack.sh watch <our pid>` in its own session: when this process is gone
// (killed, crashed, ctest timeout) without running the destructor, it stops
// the servers and deletes the folder; when the folder disappears (normal
// tear-down) it exits.
void TestStack::start_watchdog() {
  const std::string log_dir = dir_ + "/logs";
  ::mkdir(log_dir.c_str(), 0755);
  const std::string log = log_dir + "/watchdog.log";
  const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) throw_errno("open " + log);
  Fd out_fd(out);
  std::vector<std::string> args = {"/bin/bash", kScript, "watch", std::to_string(::getpid())};
  // The same environment as every stack.sh call: purging needs the ports
  // (e.g. to drop the replica slot on *this* primary, not a default one).
  std::vector<std::string> env = child_env();
  auto argv = c_strings(args);
  auto envp = c_strings(env);
  SpawnAttr attr(/*new_session=*/true);
  SpawnFiles files(out_fd.get());
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, argv[0], files.get(), attr.get(), argv.data(), envp.data());
  if (rc != 0) {
    errno = rc;
    throw_errno("posix_spawn stack.sh watch");
  }
  watchdog_pid_ = pid;
}

// The caller's environment with this stack's settings on top (ours win); set
// for the children only, the test process's environment stays as it is.
std::vector<std::string> TestStack::child_env() const {
  std::vector<std::pair<std::string, std::string>> ours = {
      {"UITGO_RUN_DIR", dir_},
      {"UITGO_BIN", UITGO_BINARY},
      {"UITGO_PG_PORT", std::to_string(pg_port)},
      {"UITGO_PG_REPLICA_PORT", std::to_string(pg_replica_port)},
      {"UITGO_REDIS_PORT", std::to_string(redis_port)},
      {"UITGO_SQS_PORT", std::to_string(sqs_port)},
      {"MATCH_QUEUE", sqs_ ? "sqs" : "redis"},
      {"UITGO_GATEWAY_PORT", std::to_string(gateway_port)},
      {"UITGO_USER_PORT", std::to_string(user_port)},
      {"UITGO_TRIP_PORT", std::to_string(trip_port)},
      {"UITGO_DRIVER_PORT", std::to_string(driver_port)},
      {"UITGO_TRIP_EXTRA_PORTS", extra_ports(trip_ports)},
      {"UITGO_DRIVER_EXTRA_PORTS", extra_ports(driver_ports)},
      {"UITGO_USER_EXTRA_PORTS", ""},
      // Most tests drive many trips and calls from a few accounts; the
      // per-user limits and the open-trip cap have tests of their own
      // (integration/abuse), which set it to false.
      {"LIFT_PER_USER_LIMITS", "true"},
  };
  // The test's own settings win, also over ours (e.g. a bad UITGO_BIN).
  for (const auto& [key, value] : options_.env) {
    auto same = [&key](const auto& kv) { return kv.first == key; };
    ours.erase(std::remove_if(ours.begin(), ours.end(), same), ours.end());
    ours.emplace_back(key, value);
  }
  // Upstream lists from the caller would point the gateway at other servers.
  std::set<std::string> drop = {"UITGO_USER_UPSTREAMS", "UITGO_TRIP_UPSTREAMS", "UITGO_DRIVER_UPSTREAMS"};
  for (const auto& [key, value] : ours) drop.insert(key);
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string_view::npos && drop.count(std::string(entry.substr(0, eq))) > 0) continue;
    env.emplace_back(entry);
  }
  for (const auto& [key, value] : ours) env.push_back(key + "=" + value);
  return env;
}

void TestStack::run_script(std::string_view action, std::string_view components) const {
  std::vector<std::string> args = {"/bin/bash", kScript, std::string(action)};
  for (auto& word : split_words(components)) args.push_back(std::move(word));

  std::vector<std::string> env = child_env();

  // Output goes to an unlinked temporary file rather than a pipe: a server
  // that kept an inherited pipe open would make reading it hang forever.
  std::string out_path = "/tmp/uitgo-stack-out.XXXXXX";
  const int out = ::mkostemp(out_path.data(), O_CLOEXEC);
  if (out < 0) throw_errno("mkostemp");
  Fd out_fd(out);
  ::unlink(out_path.c_str());

  auto argv = c_strings(args);
  auto envp = c_strings(env);
  SpawnAttr attr(/*new_session=*/false);
  SpawnFiles files(out_fd.get());
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, argv[0], files.get(), attr.get(), argv.data(), envp.data());
  if (rc != 0) {
    errno = rc;
    throw_errno("posix_spawn " + std::string(kScript));
  }
  const int status = wait_for(pid);
  if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) return;

  std::string command = "scripts/stack.sh " + std::string(action);
  if (!components.empty()) command += " " + std::string(components);
  throw std::runtime_error(command + " failed (" + describe_status(status) + "), run dir " + dir_ + ":\n" +
                           read_fd(out_fd.get()));
}

std::string TestStack::dsn(std::string_view database) const {
  return "host=127.0.0.1 port=" + std::to_string(pg_port) +
         " user=uitgo password=uitgo dbname=" + std::string(database);
}

std::string TestStack::replica_dsn(std::string_view database) const {
  return "host=127.0.0.1 port=" + std::to_string(pg_replica_port) +
         " user=uitgo password=uitgo dbname=" + std::string(database);
}

std::string TestStack::redis_url() const { return "redis://127.0.0.1:" + std::to_string(redis_port) + "/0"; }

std::string TestStack::secret(std::string_view name) const {
  const std::string path = dir_ + "/secrets.env";
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read " + path + " (is anything of the stack up?)");
  std::string line;
  while (std::getline(file, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos && std::string_view(line).substr(0, eq) == name) return line.substr(eq + 1);
  }
  throw std::runtime_error(std::string(name) + " not found in " + path);
}

std::string TestStack::sqs_setting(std::string_view name) const {
  if (!sqs_) throw std::runtime_error("this stack runs no SQS emulator (StackOptions::sqs)");
  const std::string path = dir_ + "/sqs/queues.env";
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read " + path + " (is the SQS emulator up?)");
  std::string line;
  while (std::getline(file, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos && std::string_view(line).substr(0, eq) == name) return line.substr(eq + 1);
  }
  throw std::runtime_error(std::string(name) + " not found in " + path);
}

std::string TestStack::sqs_endpoint() const { return sqs_setting("SQS_ENDPOINT"); }

std::string TestStack::sqs_queue_url() const { return sqs_setting("SQS_QUEUE_URL"); }

std::string TestStack::sqs_dlq_url() const { return sqs_setting("SQS_DLQ_URL"); }

std::string TestStack::jwt_secret() const { return secret("JWT_SECRET"); }

std::string TestStack::internal_token() const { return secret("INTERNAL_TOKEN"); }

void TestStack::stop(std::string_view component) const { run_script("stop", component); }

void TestStack::start(std::string_view component) const { run_script("start", component); }

int TestStack::pid(std::string_view component) const {
  std::ifstream file(dir_ + "/pids/" + std::string(component) + ".pid");
  int value = -1;
  if (!(file >> value)) return -1;
  return process_alive(value) ? value : -1;
}

}  // namespace uitgo::test
