// The service-to-service HTTP client against a real service and against
// peers that misbehave.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include "core/base/errors.hpp"
#include "core/http/client.hpp"
#include "support/test_stack.hpp"

using namespace uitgo;

namespace uitgo::test {
extern TestStack* platform_stack;
}

namespace {

template <typename T>
T run(asio::io_context& io, awaitable<T> op) {
  std::exception_ptr failure;
  std::optional<T> value;
  asio::co_spawn(io, std::move(op), [&](std::exception_ptr e, T v) {
    failure = e;
    if (!e) value = std::move(v);
  });
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*value);
}

// A listening socket that accepts connections but never answers.
struct SilentServer {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  std::uint16_t port = 0;
  SilentServer() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd, 16);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~SilentServer() { ::close(fd); }
};

}  // namespace

TEST(HttpClient, ReusesKeepAliveConnections) {
  asio::io_context io;
  http::Client client(io.get_executor(),
                      {.base_url = "http://127.0.0.1:" + std::to_string(test::platform_stack->user_port)});
  for (int i = 0; i < 5; ++i) {
    const auto r = run(io, client.request("GET", "/health", {}, "client-test"));
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("user-service"), std::string::npos);
  }
  const auto not_found = run(io, client.request("GET", "/nope"));
  EXPECT_EQ(not_found.status, 404) << "an HTTP status is a response, not an exception";
}

TEST(HttpClient, SilentPeerHitsTheDeadline) {
  SilentServer silent;
  asio::io_context io;
  http::Client client(io.get_executor(),
                      {.base_url = "http://127.0.0.1:" + std::to_string(silent.port), .timeout = Millis(200)});
  EXPECT_THROW(run(io, client.request("GET", "/health")), TimeoutError);
}

TEST(HttpClient, RefusedConnectionIsUnavailable) {
  std::uint16_t closed_port;
  {
    SilentServer s;
    closed_port = s.port;
  }
  asio::io_context io;
  http::Client client(io.get_executor(), {.base_url = "http://127.0.0.1:" + std::to_string(closed_port)});
  EXPECT_THROW(run(io, client.request("GET", "/health")), UnavailableError);
}

TEST(HttpClient, RejectsMalformedBaseUrl) {
  asio::io_context io;
  EXPECT_THROW(http::Client(io.get_executor(), {.base_url = "ftp://x"}), std::invalid_argument);
  EXPECT_THROW(http::Client(io.get_executor(), {.base_url = "not a url"}), std::invalid_argument);
}
