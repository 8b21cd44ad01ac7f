#include "core/redis/connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

#include "core/redis/command.hpp"

namespace uitgo::redis::detail {

namespace {

std::string describe(const boost::system::error_code& ec) {
  if (ec == asio::error::eof) return "redis closed the connection";
  return "redis connection lost: " + ec.message();
}

}  // namespace

Connection::Connection(const Strand& strand) : resolver_(strand), socket_(strand) {}

awaitable<void> Connection::open(const Options& options) {
  const std::string where = options.host + ":" + std::to_string(options.port);
  auto [resolve_ec, endpoints] =
      co_await resolver_.async_resolve(options.host, std::to_string(options.port), asio::as_tuple(use_awaitable));
  if (resolve_ec) throw UnavailableError("redis at " + where + ": cannot resolve host: " + resolve_ec.message());

  auto [connect_ec, endpoint] = co_await asio::async_connect(socket_, endpoints, asio::as_tuple(use_awaitable));
  if (connect_ec) throw UnavailableError("redis at " + where + ": cannot connect: " + connect_ec.message());

  boost::system::error_code ignored;
  // Pipelined requests are small; Nagle would hold them back waiting for ACKs.
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  co_await handshake(options);
}

awaitable<void> Connection::handshake(const Options& options) {
  std::string frames;
  std::size_t expected = 0;
  if (!options.password.empty()) {
    Command auth{"AUTH"};
    if (!options.username.empty()) auth.push(options.username);
    auth.push(options.password).encode_to(frames);
    ++expected;
  }
  if (options.db != 0) {
    Command{"SELECT", options.db}.encode_to(frames);
    ++expected;
  }
  if (expected == 0) co_return;

  co_await write(frames);
  std::vector<Reply> replies;
  while (replies.size() < expected) co_await read(replies);
  for (const Reply& reply : replies) {
    // AUTH and SELECT failures are configuration errors, but to callers Redis is just not usable.
    if (reply.is_error()) throw UnavailableError("redis handshake failed: " + reply.error_message());
  }
}

awaitable<void> Connection::read(std::vector<Reply>& out) {
  auto [ec, size] = co_await socket_.async_read_some(asio::buffer(read_buffer_), asio::as_tuple(use_awaitable));
  if (ec) throw UnavailableError(describe(ec));
  reader_.feed(read_buffer_.data(), size);
  while (auto reply = reader_.next()) out.push_back(std::move(*reply));
}

awaitable<void> Connection::write(std::string& pending) {
  writing_.clear();
  writing_.swap(pending);
  auto [ec, size] = co_await asio::async_write(socket_, asio::buffer(writing_), asio::as_tuple(use_awaitable));
  if (ec) throw UnavailableError(describe(ec));
}

void Connection::close() {
  boost::system::error_code ignored;
  resolver_.cancel();
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace uitgo::redis::detail
