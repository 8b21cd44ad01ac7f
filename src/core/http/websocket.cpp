#include "core/http/websocket.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "core/base/log.hpp"
#include "core/base/metrics.hpp"
#include "core/http/send_queue.hpp"
#include "core/http/websocket_accept.hpp"

namespace uitgo::http {
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using asio::as_tuple;

namespace {

void bump(metrics::Counter* c) {
  if (c != nullptr) c->inc();
}

struct Instruments {
  metrics::Gauge* connections = nullptr;
  metrics::Counter* in = nullptr;
  metrics::Counter* out = nullptr;
  metrics::Counter* dropped_oldest = nullptr;
  metrics::Counter* dropped_new = nullptr;
  metrics::Counter* overflow = nullptr;
  // Why reading ended: the peer closed, no traffic within the idle timeout
  // (no pong either), the server closed it, or a network error.
  metrics::Counter* ended_peer = nullptr;
  metrics::Counter* ended_idle = nullptr;
  metrics::Counter* ended_server = nullptr;
  metrics::Counter* ended_error = nullptr;

  explicit Instruments(metrics::Registry* r) {
    if (r == nullptr) return;
    connections = &r->gauge("websocket_connections", "open WebSocket connections");
    const std::string messages_help = "WebSocket messages by direction";
    in = &r->counter("websocket_messages_total", messages_help, {{"direction", "in"}});
    out = &r->counter("websocket_messages_total", messages_help, {{"direction", "out"}});
    const std::string dropped_help = "WebSocket messages not sent to a slow client, by reason";
    dropped_oldest = &r->counter("websocket_dropped_total", dropped_help, {{"reason", "dropped_oldest"}});
    dropped_new = &r->counter("websocket_dropped_total", dropped_help, {{"reason", "dropped_new"}});
    overflow = &r->counter("websocket_dropped_total", dropped_help, {{"reason", "overflow_closed"}});
    const std::string ended_help = "WebSocket connections whose reading ended, by reason";
    ended_peer = &r->counter("websocket_disconnects_total", ended_help, {{"reason", "peer"}});
    ended_idle = &r->counter("websocket_disconnects_total", ended_help, {{"reason", "idle"}});
    ended_server = &r->counter("websocket_disconnects_total", ended_help, {{"reason", "server"}});
    ended_error = &r->counter("websocket_disconnects_total", ended_help, {{"reason", "error"}});
  }

  void ended(const boost::system::error_code& ec) const {
    if (ec == websocket::error::closed) {
      bump(ended_peer);
    } else if (ec == beast::error::timeout) {
      bump(ended_idle);
    } else if (ec == asio::error::operation_aborted) {
      bump(ended_server);
    } else {
      bump(ended_error);
    }
  }
};

}  // namespace

struct WebSocket::Impl : std::enable_shared_from_this<WebSocket::Impl> {
  Impl(beast::tcp_stream stream, WebSocketOptions opts)
      : ws(std::move(stream)),
        options(opts),
        queue(opts.send_queue),
        wake(ws.get_executor()),
        kill(ws.get_executor()),
        writer_done(ws.get_executor()),
        instruments(opts.metrics) {}

  websocket::stream<beast::tcp_stream> ws;
  WebSocketOptions options;
  beast::flat_buffer read_buffer;
  // Touched only on the connection's strand (ws's executor).
  SendQueue queue;
  asio::steady_timer wake;         // the writer sleeps on it; cancel() wakes it
  asio::steady_timer kill;         // bounds the close handshake
  asio::steady_timer writer_done;  // cancelled when the writer has finished
  bool closing = false;
  bool writer_running = false;
  websocket::close_reason close_reason;
  std::atomic<bool> open{true};
  Instruments instruments;

  void enqueue(Outgoing message) {
    if (closing || !open) {
      bump(instruments.dropped_new);
      return;
    }
    switch (queue.push(std::move(message))) {
      case SendQueue::Push::queued:
        break;
      case SendQueue::Push::dropped_oldest:
        bump(instruments.dropped_oldest);
        break;
      case SendQueue::Push::dropped_new:
        bump(instruments.dropped_new);
        break;
      case SendQueue::Push::overflow:
        bump(instruments.overflow);
        begin_close(CloseCode::policy_violation, "send queue overflow: the client reads too slowly");
        return;
    }
    wake.cancel();
  }

  void begin_close(CloseCode code, std::string reason) {
    if (closing) return;
    closing = true;
    close_reason.code = static_cast<std::uint16_t>(code);
    close_reason.reason = reason;
    wake.cancel();
    // A peer that neither reads nor answers the close frame is cut off.
    kill.expires_after(options.handshake_timeout);
    kill.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->drop();
    });
  }

  void drop() {
    open = false;
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws).socket().close(ignored);
  }

  // The one writer: queued messages and pings when due; once closing, what is
  // still queued and then the close frame (the kill timer bounds both).
  awaitable<void> write_loop() {
    auto next_ping = Clock::now() + options.ping_interval;
    while (open) {
      if (!closing && Clock::now() >= next_ping) {
        const websocket::ping_data payload;
        auto [ec] = co_await ws.async_ping(payload, as_tuple(use_awaitable));
        if (ec) break;
        next_ping = Clock::now() + options.ping_interval;
        continue;
      }
      auto message = queue.pop();
      if (!message) {
        if (closing) break;
        wake.expires_at(next_ping);
        co_await wake.async_wait(as_tuple(use_awaitable));
        continue;
      }
      ws.text(true);
      auto [ec, n] = co_await ws.async_write(asio::buffer(message->text), as_tuple(use_awaitable));
      if (ec) break;
      bump(instruments.out);
    }
    if (closing && ws.is_open()) {
      auto reason = close_reason;
      co_await ws.async_close(reason, as_tuple(use_awaitable));
    }
    open = false;
    kill.cancel();
    writer_running = false;
    writer_done.cancel();
  }
};

void WebSocket::send(std::string text, bool droppable) const {
  if (!impl_->open) return;
  auto executor = impl_->ws.get_executor();
  asio::post(executor, [impl = impl_, message = Outgoing{std::move(text), droppable}]() mutable {
    impl->enqueue(std::move(message));
  });
}

void WebSocket::close(CloseCode code, std::string reason) const {
  auto executor = impl_->ws.get_executor();
  asio::post(executor, [impl = impl_, code, reason = std::move(reason)]() mutable {
    impl->begin_close(code, std::move(reason));
  });
}

bool WebSocket::is_open() const { return impl_->open; }

awaitable<WebSocketMessage> WebSocket::read() const {
  WebSocketMessage message;
  if (!impl_->open) co_return message;
  auto& buffer = impl_->read_buffer;
  auto [ec, n] = co_await impl_->ws.async_read(buffer, as_tuple(use_awaitable));
  if (ec) {
    // Closed by the peer, idle timeout, a message above the limit (Beast has
    // answered it with 1009), or the connection was dropped.
    if (ec != websocket::error::closed && ec != asio::error::operation_aborted && ec != beast::error::timeout) {
      log::debug("websocket read ended", {{"error", ec.message()}});
    }
    impl_->open = false;
    impl_->instruments.ended(ec);
    co_return message;
  }
  bump(impl_->instruments.in);
  message.kind = impl_->ws.got_text() ? WebSocketMessage::Kind::text : WebSocketMessage::Kind::binary;
  message.data = beast::buffers_to_string(buffer.data());
  buffer.consume(buffer.size());
  co_return message;
}

Response upgrade_to_websocket(WebSocketOptions options, WebSocketSession session) {
  Response response;
  response.status = 101;
  response.content_type.clear();
  response.upgrade = std::make_shared<WebSocketUpgrade>(WebSocketUpgrade{options, std::move(session)});
  return response;
}

// ------------------------------------------------------------------ registry

std::uint64_t WebSocketRegistry::add(std::weak_ptr<WebSocket::Impl> socket) {
  std::lock_guard lock(mutex_);
  const auto id = next_id_++;
  if (closing_) {
    if (auto impl = socket.lock()) WebSocket(impl).close(close_code_, close_reason_);
  }
  open_.emplace(id, std::move(socket));
  return id;
}

void WebSocketRegistry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  open_.erase(id);
}

void WebSocketRegistry::close_all(CloseCode code, const std::string& reason) {
  std::lock_guard lock(mutex_);
  closing_ = true;
  close_code_ = code;
  close_reason_ = reason;
  for (auto& [id, weak] : open_) {
    if (auto impl = weak.lock()) WebSocket(impl).close(code, reason);
  }
}

std::size_t WebSocketRegistry::size() const {
  std::lock_guard lock(mutex_);
  return open_.size();
}

// ------------------------------------------------------------------ server side

namespace detail {
namespace {

void configure(websocket::stream<beast::tcp_stream>& ws, const WebSocketOptions& options, const Response& handshake) {
  // The WebSocket's own timers replace the HTTP stream's deadline.
  beast::get_lowest_layer(ws).expires_never();
  if (options.socket_send_buffer > 0) {
    boost::system::error_code ignored;
    const asio::socket_base::send_buffer_size size(static_cast<int>(options.socket_send_buffer));
    beast::get_lowest_layer(ws).socket().set_option(size, ignored);
  }
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = options.handshake_timeout;
  timeout.idle_timeout = options.idle_timeout;
  timeout.keep_alive_pings = true;
  ws.set_option(timeout);
  ws.read_message_max(options.max_message_bytes);
  ws.auto_fragment(false);
  ws.set_option(websocket::stream_base::decorator([headers = handshake.headers](websocket::response_type& res) {
    for (const auto& [name, value] : headers) res.set(name, value);
  }));
}

struct Tracked {
  WebSocketRegistry& registry;
  std::uint64_t id;
  metrics::Gauge* gauge;
  ~Tracked() {
    registry.remove(id);
    if (gauge != nullptr) gauge->add(-1);
  }
};

awaitable<void> run_session(const WebSocketSession& session, std::shared_ptr<WebSocket::Impl> impl) {
  std::exception_ptr failure;
  try {
    WebSocket socket(impl);
    auto running = session(socket);
    co_await std::move(running);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      log::error("websocket session failed", {{"error", e.what()}});
    }
    impl->begin_close(CloseCode::internal_error, "internal error");
  } else {
    impl->begin_close(CloseCode::normal, "");
  }
}

}  // namespace

awaitable<void> run_websocket(beast::tcp_stream stream, beast::http::request<beast::http::string_body> request,
                              Response handshake, WebSocketRegistry& registry) {
  auto upgrade = handshake.upgrade;
  auto impl = std::make_shared<WebSocket::Impl>(std::move(stream), upgrade->options);
  configure(impl->ws, upgrade->options, handshake);
  auto [ec] = co_await impl->ws.async_accept(request, as_tuple(use_awaitable));
  if (ec) {
    log::debug("websocket handshake failed", {{"error", ec.message()}});
    co_return;
  }
  Tracked tracked{registry, registry.add(impl), impl->instruments.connections};
  if (tracked.gauge != nullptr) tracked.gauge->add(1);

  impl->writer_running = true;
  impl->writer_done.expires_at(Clock::time_point::max());
  asio::co_spawn(impl->ws.get_executor(), impl->write_loop(), asio::detached);
  co_await run_session(upgrade->session, impl);
  // The writer sends what is queued and the close frame, bounded by the kill timer.
  while (impl->writer_running) co_await impl->writer_done.async_wait(as_tuple(use_awaitable));
  impl->drop();
}

}  // namespace detail
}  // namespace uitgo::http
