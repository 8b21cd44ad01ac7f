#include "loadgen/connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <optional>
#include <stdexcept>

namespace uitgo::loadgen {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::as_tuple;
using Message = bhttp::request<bhttp::string_body>;

struct Connection::Impl {
  asio::any_io_executor executor;
  std::shared_ptr<const Endpoint> endpoint;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
};

namespace {

std::string reason(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return "timeout";
  return ec.message();
}

void close(Connection::Impl& c) {
  if (c.stream) {
    boost::system::error_code ignored;
    c.stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
    c.stream->close();
  }
  c.stream.reset();
  c.buffer.clear();
}

awaitable<boost::system::error_code> connect(Connection::Impl& c, Clock::time_point deadline) {
  tcp::resolver resolver(c.executor);
  auto [rec, endpoints] = co_await resolver.async_resolve(c.endpoint->host, c.endpoint->port, as_tuple(use_awaitable));
  if (rec) co_return rec;
  c.stream.emplace(c.executor);
  c.stream->expires_at(deadline);
  auto [ec, unused] = co_await c.stream->async_connect(endpoints, as_tuple(use_awaitable));
  if (ec) {
    close(c);
    co_return ec;
  }
  c.stream->socket().set_option(tcp::no_delay(true), ec);
  co_return boost::system::error_code{};
}

awaitable<Reply> perform(Connection::Impl* c, Message request, Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = c->stream.has_value();
    if (!reused) {
      const auto ec = co_await connect(*c, deadline);
      if (ec) co_return Reply{0, "connect: " + reason(ec), {}};
    }
    c->stream->expires_at(deadline);
    auto [wec, written] = co_await bhttp::async_write(*c->stream, request, as_tuple(use_awaitable));
    std::size_t read = 0;
    boost::system::error_code ec = wec;
    bhttp::response_parser<bhttp::string_body> parser;
    if (!ec) {
      parser.body_limit(std::uint64_t{16} * 1024 * 1024);
      auto [rec, n] = co_await bhttp::async_read(*c->stream, c->buffer, parser, as_tuple(use_awaitable));
      ec = rec;
      read = n;
    }
    if (!ec) {
      auto response = parser.release();
      if (!response.keep_alive()) close(*c);
      co_return Reply{static_cast<int>(response.result_int()), {}, std::move(response.body())};
    }
    close(*c);
    // The server closed an idle kept-alive socket: nothing reached a handler.
    if (reused && read == 0 && ec != beast::error::timeout && Clock::now() < deadline) continue;
    co_return Reply{0, reason(ec), {}};
  }
  co_return Reply{0, "connection lost", {}};
}

}  // namespace

Endpoint parse_endpoint(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http" || parsed->host().empty()) {
    throw std::invalid_argument("the URL must look like http://host:port[/path], got '" + url + "'");
  }
  Endpoint e;
  e.base_url = url;
  e.host = std::string(parsed->host());
  e.port = parsed->has_port() ? std::string(parsed->port()) : "80";
  e.prefix = std::string(parsed->encoded_path());
  while (!e.prefix.empty() && e.prefix.back() == '/') e.prefix.pop_back();
  return e;
}

Connection::Connection(asio::any_io_executor executor, std::shared_ptr<const Endpoint> endpoint)
    : impl_(std::make_unique<Impl>()) {
  impl_->executor = std::move(executor);
  impl_->endpoint = std::move(endpoint);
}

Connection::~Connection() {
  if (impl_) close(*impl_);
}

awaitable<Reply> Connection::send(const Outgoing& r, Clock::duration timeout) {
  const auto& e = *impl_->endpoint;
  Message message{bhttp::string_to_verb(r.method), e.prefix + r.target, 11};
  message.set(bhttp::field::host, e.host + ":" + e.port);
  message.set(bhttp::field::user_agent, "uitgo-loadgen");
  if (!r.bearer.empty()) message.set(bhttp::field::authorization, "Bearer " + r.bearer);
  for (const auto& [name, value] : r.headers) message.set(name, value);
  if (!r.body.empty()) {
    message.set(bhttp::field::content_type, "application/json");
    message.body() = r.body;
  }
  message.keep_alive(true);
  message.prepare_payload();
  return perform(impl_.get(), std::move(message), timeout);
}

}  // namespace uitgo::loadgen
