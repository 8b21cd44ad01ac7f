// The one HTTP client for outbound calls: keep-alive connections to one base
// URL (http:// inside the deployment; https:// with peer and host-name
// verification for managed services such as SQS), a deadline on every
// request, and the internal token attached when configured. Beast stays
// inside client.cpp.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/async.hpp"

namespace uitgo::http {

struct ClientOptions {
  std::string base_url;        // http://host[:port] or https://host[:port]
  Millis timeout{2000};        // whole request: connect + write + read
  std::size_t max_idle = 32;   // keep-alive connections kept for reuse
  std::string internal_token;  // sent as X-Internal-Token when not empty
};

// A request beyond the plain JSON call: its own content type and headers.
struct OutboundRequest {
  std::string method = "POST";
  std::string target = "/";
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string request_id;
  std::optional<Millis> timeout;
};

struct ClientResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
};

// Failures: TimeoutError (deadline), UnavailableError (connect refused, reset,
// malformed response). Any HTTP status is a response, not an exception.
class Client {
 public:
  Client(asio::any_io_executor executor, ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // `request_id` is forwarded as X-Request-Id so logs line up across services.
  // Not a coroutine itself: the arguments are copied into the request before
  // it returns, so callers may pass literals and temporaries inside co_await
  // (GCC 12 destroys by-value coroutine arguments built there twice).
  awaitable<ClientResponse> request(std::string_view method, std::string_view target, std::string_view body = {},
                                    std::string_view request_id = {}, std::optional<Millis> timeout = {});
  // The same for a request with its own headers (copied before it returns).
  awaitable<ClientResponse> send(const OutboundRequest& request);
  // The Host header this client sends ("host" or "host:port"): what a
  // request signature must cover.
  const std::string& host_header() const;

  struct State;  // defined in client.cpp; public only so helpers there can name it

 private:
  std::shared_ptr<State> state_;
};

}  // namespace uitgo::http
