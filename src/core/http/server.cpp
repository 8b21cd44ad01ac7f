#include "core/http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <atomic>
#include <map>
#include <mutex>

#include "core/base/json_body.hpp"
#include "core/base/log.hpp"
#include "core/http/beast_request.hpp"
#include "core/http/websocket_accept.hpp"

namespace uitgo::http {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::as_tuple;

namespace {

struct Connection {
  explicit Connection(tcp::socket socket) : executor(socket.get_executor()), stream(std::move(socket)) {
    boost::system::error_code ec;
    const auto remote = stream.socket().remote_endpoint(ec);
    if (!ec) remote_address = remote.address().to_string();
  }
  asio::any_io_executor executor;  // the connection's strand; outlives `stream` being handed over
  beast::tcp_stream stream;
  std::string remote_address;  // looked up once, not per request
  bool idle = true;            // touched only on the connection's strand
  bool upgraded = false;       // the stream now belongs to a WebSocket
};

}  // namespace

struct Server::State {
  State(asio::io_context& io_context, ServerOptions opts, RequestHandler h)
      : io(io_context), options(std::move(opts)), handler(std::move(h)), acceptor(asio::make_strand(io)) {}

  asio::io_context& io;
  ServerOptions options;
  RequestHandler handler;
  tcp::acceptor acceptor;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> in_flight{0};
  std::atomic<std::size_t> connection_count{0};
  std::mutex connections_mutex;
  std::uint64_t next_id = 0;
  std::map<std::uint64_t, std::weak_ptr<Connection>> connections;
  WebSocketRegistry websockets;
};

namespace {
using State = Server::State;

bhttp::response<bhttp::string_body> to_beast(Response&& response, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(response.status), version};
  if (!response.content_type.empty()) out.set(bhttp::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) out.insert(name, value);
  out.body() = std::move(response.body);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

// Maps a parse failure to a status, or 0 when the peer just went away.
int status_for_read_error(const boost::system::error_code& ec) {
  if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
      ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
      ec == bhttp::error::partial_message) {
    return 0;
  }
  if (ec == bhttp::error::body_limit) return 413;
  if (ec == bhttp::error::header_limit) return 431;
  return 400;
}

awaitable<void> write_response(State& st, Connection& conn, Response response, unsigned version, bool keep_alive) {
  auto message = to_beast(std::move(response), version, keep_alive);
  conn.stream.expires_after(st.options.write_timeout);
  co_await bhttp::async_write(conn.stream, message, as_tuple(use_awaitable));
}

awaitable<void> reject_malformed(State& st, Connection& conn, int status) {
  static const std::map<int, std::pair<const char*, const char*>> kErrors = {
      {400, {"bad_request", "malformed HTTP request"}},
      {413, {"payload_too_large", "request body exceeds the limit"}},
      {431, {"headers_too_large", "request headers exceed the limit"}}};
  const auto& [code, message] = kErrors.at(status);
  auto response = Response::error(status, code, message);
  co_await write_response(st, conn, std::move(response), 11, false);
}

// Reads one request. Returns nullopt when the connection should close
// (after answering malformed input with its 4xx).
awaitable<std::optional<bhttp::request<bhttp::string_body>>> read_request(State& st, Connection& conn,
                                                                          beast::flat_buffer& buffer) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(st.options.max_header_bytes));
  parser.body_limit(st.options.max_body_bytes);

  conn.idle = true;
  conn.stream.expires_after(st.options.idle_timeout);
  auto [ec, n] = co_await bhttp::async_read_header(conn.stream, buffer, parser, as_tuple(use_awaitable));
  conn.idle = false;
  if (!ec && !parser.is_done()) {
    if (parser.get()[bhttp::field::expect] == "100-continue") {
      bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, 11};
      conn.stream.expires_after(st.options.write_timeout);
      std::tie(ec, n) = co_await bhttp::async_write(conn.stream, go_on, as_tuple(use_awaitable));
    }
    if (!ec) {
      conn.stream.expires_after(st.options.read_timeout);
      std::tie(ec, n) = co_await bhttp::async_read(conn.stream, buffer, parser, as_tuple(use_awaitable));
    }
  }
  if (ec) {
    if (const int status = status_for_read_error(ec); status != 0) co_await reject_malformed(st, conn, status);
    co_return std::nullopt;
  }
  co_return parser.release();
}

awaitable<Response> handle_one(State& st, Request& request) {
  if (st.in_flight.load() >= st.options.max_in_flight) {
    co_return Response::unavailable("overloaded", "too many requests in flight, retry later");
  }
  ++st.in_flight;
  struct Release {
    State& s;
    ~Release() { --s.in_flight; }
  } release{st};
  co_return co_await st.handler(request);
}

// Hands the connection to the WebSocket the handler accepted; returns when it closed.
awaitable<void> become_websocket(State& st, Connection& conn, bhttp::request<bhttp::string_body> request,
                                 Response response) {
  conn.upgraded = true;
  co_await detail::run_websocket(std::move(conn.stream), std::move(request), std::move(response), st.websockets);
}

awaitable<void> serve_connection(std::shared_ptr<State> st, std::shared_ptr<Connection> conn) {
  beast::flat_buffer buffer;
  while (!st->stopping) {
    auto raw = co_await read_request(*st, *conn, buffer);
    if (!raw) break;
    const unsigned version = raw->version();
    const bool keep_alive = raw->keep_alive();
    // The handshake needs Beast's request; keep a copy only for upgrades.
    std::optional<bhttp::request<bhttp::string_body>> upgrade_request;
    if (beast::websocket::is_upgrade(*raw)) upgrade_request = *raw;
    Response response;
    try {
      Request request = detail::to_request(std::move(*raw), conn->remote_address);
      request.websocket_upgrade = upgrade_request.has_value();
      response = co_await handle_one(*st, request);
    } catch (const DomainError& e) {
      response = Response::error(e);
    }
    if (response.upgrade) {
      if (upgrade_request && response.status == 101 && !st->stopping) {
        co_await become_websocket(*st, *conn, std::move(*upgrade_request), std::move(response));
        co_return;
      }
      if (st->stopping) {
        response = Response::unavailable("shutting_down", "the server is shutting down, retry");
      } else {
        response = Response::error(426, "upgrade_required", "this route only accepts WebSocket upgrades");
        response.with_header("Upgrade", "websocket");
      }
    }
    const bool keep = keep_alive && !st->stopping;
    co_await write_response(*st, *conn, std::move(response), version, keep);
    if (!keep) break;
  }
  boost::system::error_code ignored;
  conn->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  conn->stream.socket().close(ignored);
}

void track(State& st, const std::shared_ptr<Connection>& conn, std::uint64_t& id) {
  std::lock_guard lock(st.connections_mutex);
  id = st.next_id++;
  st.connections.emplace(id, conn);
  ++st.connection_count;
}

void untrack(State& st, std::uint64_t id) {
  std::lock_guard lock(st.connections_mutex);
  st.connections.erase(id);
  --st.connection_count;
}

awaitable<void> accept_loop(std::shared_ptr<State> st) {
  while (st->acceptor.is_open()) {
    auto [ec, socket] = co_await st->acceptor.async_accept(asio::make_strand(st->io), as_tuple(use_awaitable));
    if (ec == asio::error::operation_aborted || !st->acceptor.is_open()) co_return;
    if (ec) {
      // Typically EMFILE: back off briefly instead of spinning.
      log::warn("accept failed", {{"error", ec.message()}});
      asio::steady_timer pause(st->acceptor.get_executor(), Millis(50));
      co_await pause.async_wait(as_tuple(use_awaitable));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto conn = std::make_shared<Connection>(std::move(socket));
    std::uint64_t id = 0;
    track(*st, conn, id);
    asio::co_spawn(conn->executor, serve_connection(st, conn), [st, id](std::exception_ptr failure) {
      untrack(*st, id);
      if (!failure) return;
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        log::error("connection failed", {{"error", e.what()}});
      }
    });
  }
}

}  // namespace

Server::Server(asio::io_context& io, ServerOptions options, RequestHandler handler)
    : state_(std::make_shared<State>(io, std::move(options), std::move(handler))) {}

Server::~Server() {
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
}

void Server::start() {
  auto& acceptor = state_->acceptor;
  const tcp::endpoint endpoint(asio::ip::make_address(state_->options.host), state_->options.port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  asio::co_spawn(acceptor.get_executor(), accept_loop(state_), asio::detached);
}

std::uint16_t Server::port() const {
  boost::system::error_code ec;
  return state_->acceptor.local_endpoint(ec).port();
}

std::size_t Server::connections() const { return state_->connection_count.load(); }
std::size_t Server::in_flight() const { return state_->in_flight.load(); }

awaitable<void> Server::shutdown(Millis grace) {
  auto st = state_;
  st->stopping = true;
  asio::post(st->acceptor.get_executor(), [st] {
    boost::system::error_code ignored;
    st->acceptor.close(ignored);
  });
  {
    std::lock_guard lock(st->connections_mutex);
    for (auto& [id, weak] : st->connections) {
      auto conn = weak.lock();
      if (!conn) continue;
      // On the connection's strand, so `idle` is read without a race; busy
      // connections notice `stopping` after their response and close.
      // Upgraded connections are closed through `websockets` below.
      asio::post(conn->executor, [conn] {
        if (conn->idle && !conn->upgraded) conn->stream.cancel();
      });
    }
  }
  st->websockets.close_all(CloseCode::going_away, "server shutting down");
  const auto deadline = Clock::now() + grace;
  asio::steady_timer poll(co_await asio::this_coro::executor);
  while (st->connection_count.load() > 0 && Clock::now() < deadline) {
    poll.expires_after(Millis(20));
    co_await poll.async_wait(as_tuple(use_awaitable));
  }
  if (st->connection_count.load() > 0) {
    log::warn("shutdown grace expired", {{"open_connections", st->connection_count.load()}});
  }
}

}  // namespace uitgo::http
