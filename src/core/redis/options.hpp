// Connection settings of one redis::Client, with every default in one place.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace uitgo::redis {

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  std::string username;  // ACL user; empty means AUTH with the password only
  std::string password;  // empty means no AUTH
  int db = 0;

  // Resolve + TCP connect + AUTH/SELECT.
  std::chrono::milliseconds connect_timeout{1000};
  // Default deadline of every command; each call may pass its own.
  std::chrono::milliseconds command_timeout{1000};
  // Deadline of ping(), which readiness probes call.
  std::chrono::milliseconds ping_timeout{250};
  // After a failed connect, commands fail at once for this long instead of each
  // paying for a connect attempt against a server that is down.
  std::chrono::milliseconds reconnect_backoff{200};
  // Commands queued or awaiting a reply; beyond this, OverloadedError.
  std::size_t max_in_flight = 10000;

  // redis://[[user]:password@]host[:port][/db]   e.g. redis://:s3cret@127.0.0.1:6379/2
  // Throws std::invalid_argument naming what is wrong.
  static Options from_url(std::string_view url);
};

}  // namespace uitgo::redis
