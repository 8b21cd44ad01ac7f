// Structured logging: every line on stdout is one JSON object
// {"ts","level","service","msg", ...fields}, so logs can be grepped and shipped
// without a parser per format.
#pragma once

#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

namespace uitgo::log {

enum class Level { debug, info, warn, error };

// Call once at start. Unknown level names fail fast (config validates them).
void init(std::string_view service, std::string_view level);
bool enabled(Level level);
// Writes out buffered lines (called at shutdown; warnings flush at once).
void flush();
void write(Level level, std::string_view message, boost::json::object fields = {});

inline void debug(std::string_view m, boost::json::object f = {}) { write(Level::debug, m, std::move(f)); }
inline void info(std::string_view m, boost::json::object f = {}) { write(Level::info, m, std::move(f)); }
inline void warn(std::string_view m, boost::json::object f = {}) { write(Level::warn, m, std::move(f)); }
inline void error(std::string_view m, boost::json::object f = {}) { write(Level::error, m, std::move(f)); }

// The current time as RFC 3339 UTC with milliseconds, e.g. 2026-11-24T10:00:00.123Z.
std::string now_rfc3339();

// At most one line per interval from a place that may fail many times a
// second (an outage must not flood the log). Thread-safe.
class Throttle {
 public:
  explicit Throttle(std::chrono::milliseconds interval) : interval_(interval) {}
  // True when this call may write a line; `held_back` is then how many calls
  // were refused since the last line.
  bool allow(std::uint64_t& held_back);

 private:
  std::chrono::milliseconds interval_;
  std::atomic<std::chrono::steady_clock::rep> next_{0};
  std::atomic<std::uint64_t> held_back_{0};
};

}  // namespace uitgo::log
