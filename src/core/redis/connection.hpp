// One TCP connection to Redis: connect and handshake, then raw writes and
// parsed reads. It knows nothing about callers; Client matches replies to them.
// Internal to uitgo_redis (pulls in Asio's socket headers).
#pragma once

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <string>
#include <vector>

#include "core/base/async.hpp"
#include "core/redis/options.hpp"
#include "core/redis/reply_reader.hpp"

namespace uitgo::redis::detail {

using Strand = asio::strand<asio::any_io_executor>;

class Connection {
 public:
  explicit Connection(const Strand& strand);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Resolves, connects and sends AUTH / SELECT from `options`. Throws
  // UnavailableError. Has no deadline of its own: close() cancels it.
  awaitable<void> open(const Options& options);

  // Reads once and appends every reply completed by those bytes to `out`.
  // Throws UnavailableError when the connection is lost, ProtocolError on garbage.
  awaitable<void> read(std::vector<Reply>& out);

  // Writes all of `pending`, which is swapped into this connection's own buffer
  // first so callers can keep appending to theirs while the write is in progress.
  awaitable<void> write(std::string& pending);

  // Idempotent. Operations in progress complete with operation_aborted.
  void close();

 private:
  awaitable<void> handshake(const Options& options);

  asio::ip::tcp::resolver resolver_;
  asio::ip::tcp::socket socket_;
  ReplyReader reader_;
  std::string writing_;
  std::array<char, std::size_t{16} * 1024> read_buffer_;
};

}  // namespace uitgo::redis::detail
