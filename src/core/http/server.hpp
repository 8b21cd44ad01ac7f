// The HTTP/1.1 server every service uses: Boost.Beast on C++20 coroutines,
// keep-alive, size limits, timeouts, an in-flight bound and graceful drain.
// Beast stays inside server.cpp to keep compile times down.
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/base/async.hpp"
#include "core/http/request.hpp"
#include "core/http/response.hpp"

namespace uitgo::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 = any free port (tests)
  std::size_t max_body_bytes = std::size_t{64} * 1024;
  std::size_t max_header_bytes = std::size_t{16} * 1024;
  Millis read_timeout{15'000};  // one whole request, once its first byte arrived
  Millis idle_timeout{60'000};  // keep-alive connection waiting for the next request
  Millis write_timeout{15'000};
  std::size_t max_in_flight = 4096;  // beyond this: 503 + Retry-After
};

using RequestHandler = std::function<awaitable<Response>(Request&)>;

class Server {
 public:
  Server(asio::io_context& io, ServerOptions options, RequestHandler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting; throws std::system_error when the address is taken.
  void start();
  std::uint16_t port() const;

  // Stops accepting, closes idle keep-alive connections, lets in-flight
  // requests finish (their connections close after the response) and
  // completes when none are left or `grace` has passed.
  awaitable<void> shutdown(Millis grace);

  std::size_t connections() const;
  std::size_t in_flight() const;

  struct State;  // defined in server.cpp; public only so helpers there can name it

 private:
  std::shared_ptr<State> state_;
};

}  // namespace uitgo::http
