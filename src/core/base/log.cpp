#include "core/base/log.hpp"

#include "core/base/json_text.hpp"
#include "core/base/time.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <memory>

namespace uitgo::log {
namespace {

struct State {
  std::shared_ptr<spdlog::logger> logger;
  std::string service = "uitgo";
  std::atomic<Level> level{Level::info};
};

State& state() {
  static State s;
  return s;
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::debug:
      return spdlog::level::debug;
    case Level::info:
      return spdlog::level::info;
    case Level::warn:
      return spdlog::level::warn;
    case Level::error:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::string_view name(Level level) {
  switch (level) {
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
  }
  return "info";
}

std::shared_ptr<spdlog::logger> logger() {
  auto& s = state();
  if (!s.logger) {
    // The sink is created once; later init() calls only change the level/service.
    s.logger = std::make_shared<spdlog::logger>("uitgo", std::make_shared<spdlog::sinks::stdout_sink_mt>());
    s.logger->set_pattern("%v");
    s.logger->set_level(spdlog::level::trace);
    // Info lines (one per request) are buffered: flushing each costs a
    // syscall and halved throughput. Warnings and errors go out at once; the
    // rest within a second, and at shutdown through flush().
    s.logger->flush_on(spdlog::level::warn);
    spdlog::flush_every(std::chrono::seconds(1));
    spdlog::register_logger(s.logger);
  }
  return s.logger;
}

}  // namespace

void init(std::string_view service, std::string_view level) {
  auto& s = state();
  s.service = std::string(service);
  Level parsed = Level::info;
  if (level == "debug") parsed = Level::debug;
  if (level == "warn") parsed = Level::warn;
  if (level == "error") parsed = Level::error;
  s.level = parsed;
  logger();
}

void flush() { logger()->flush(); }

bool enabled(Level level) { return level >= state().level.load(std::memory_order_relaxed); }

std::string now_rfc3339() { return format_rfc3339_ms(now_ms()); }

void write(Level level, std::string_view message, boost::json::object fields) {
  if (!enabled(level)) return;
  boost::json::object line;
  line["ts"] = now_rfc3339();
  line["level"] = name(level);
  line["service"] = state().service;
  line["msg"] = message;
  for (auto& [k, v] : fields) line[k] = std::move(v);
  logger()->log(to_spdlog(level), "{}", uitgo::json::to_text(line));
}

bool Throttle::allow(std::uint64_t& held_back) {
  using std::chrono::steady_clock;
  const auto now = steady_clock::now().time_since_epoch().count();
  auto next = next_.load(std::memory_order_relaxed);
  const auto following = now + std::chrono::duration_cast<steady_clock::duration>(interval_).count();
  if (now < next || !next_.compare_exchange_strong(next, following, std::memory_order_relaxed)) {
    held_back_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  held_back = held_back_.exchange(0, std::memory_order_relaxed);
  return true;
}

}  // namespace uitgo::log
