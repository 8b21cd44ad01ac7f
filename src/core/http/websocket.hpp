// Server-side WebSockets for route handlers, without Beast in the header.
//
// A handler accepts an upgrade by returning upgrade_to_websocket(options,
// session) instead of a plain response. Routing, authentication, request id
// and the access log run as for any route (the log records 101); the server
// then performs the handshake on the same TCP connection and runs `session`
// until it returns or the connection ends. A request that is not an upgrade
// gets 426 instead.
//
// Inside the connection:
//   - reads: WebSocket::read() returns one whole message at a time; a message
//     above max_message_bytes closes the connection with 1009;
//   - writes: send() is thread-safe and never waits; messages go through a
//     bounded SendQueue (policy in send_queue.hpp) drained by one writer, so a
//     slow client only ever delays itself;
//   - keep-alive: a ping every ping_interval; no data received for
//     idle_timeout (pongs count) → the connection is dropped;
//   - close: close() sends a close frame after the queued messages; a peer
//     that does not complete the close handshake within handshake_timeout is
//     disconnected. Server shutdown closes every socket with 1001 going away.
//
// Metrics (when options.metrics is set): websocket_connections (gauge),
// websocket_messages_total{direction=in|out}, websocket_dropped_total{reason}.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/base/async.hpp"
#include "core/http/response.hpp"

namespace uitgo::metrics {
class Registry;
}

namespace uitgo::http {

struct WebSocketOptions {
  std::size_t max_message_bytes = std::size_t{16} * 1024;
  std::size_t send_queue = 64;  // messages
  Millis ping_interval{20'000};
  Millis idle_timeout{60'000};
  Millis handshake_timeout{10'000};  // opening and closing handshakes
  // SO_SNDBUF of the socket; 0 keeps the OS's auto-tuned buffer (up to
  // megabytes), which a stalled client fills before the send queue's policy
  // applies.
  std::size_t socket_send_buffer = 0;
  metrics::Registry* metrics = nullptr;
};

enum class CloseCode : std::uint16_t {
  normal = 1000,
  going_away = 1001,
  policy_violation = 1008,
  too_big = 1009,
  internal_error = 1011,
  try_again_later = 1013,
};

struct WebSocketMessage {
  enum class Kind { text, binary, closed };
  Kind kind = Kind::closed;
  std::string data;
};

// A handle to one open connection; copies share it. Safe to keep (and to
// send() to) after the connection ended: sends are then dropped.
class WebSocket {
 public:
  struct Impl;  // websocket.cpp
  explicit WebSocket(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

  // Thread-safe. `droppable` marks a message a newer one supersedes (see SendQueue).
  void send(std::string text, bool droppable = false) const;
  // Thread-safe: sends a close frame once the queued messages are written.
  void close(CloseCode code, std::string reason = {}) const;
  // The next message; Kind::closed once the connection has ended. Only the
  // session coroutine may call it, one call at a time.
  awaitable<WebSocketMessage> read() const;
  bool is_open() const;

 private:
  std::shared_ptr<Impl> impl_;
};

using WebSocketSession = std::function<awaitable<void>(WebSocket)>;

struct WebSocketUpgrade {
  WebSocketOptions options;
  WebSocketSession session;
};

// The response a handler returns to accept a WebSocket (status 101). Headers
// added to it (e.g. X-Request-Id) go into the handshake response.
Response upgrade_to_websocket(WebSocketOptions options, WebSocketSession session);

// Every open WebSocket of a server, so shutdown can close them (1001); one
// added after close_all() is closed at once. Thread-safe.
class WebSocketRegistry {
 public:
  std::uint64_t add(std::weak_ptr<WebSocket::Impl> socket);
  void remove(std::uint64_t id);
  void close_all(CloseCode code, const std::string& reason);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 0;
  bool closing_ = false;
  CloseCode close_code_ = CloseCode::going_away;
  std::string close_reason_;
  std::map<std::uint64_t, std::weak_ptr<WebSocket::Impl>> open_;
};

}  // namespace uitgo::http
