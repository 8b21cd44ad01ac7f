// One keep-alive HTTP/1.1 connection to the API base, owned by one virtual
// user (or one simulated driver loop): a request waits for nothing but its own
// connection, so many run side by side. Requests carry a bearer token and
// optional headers; transport failures come back as status 0 with a reason
// instead of exceptions, because for a load test they are results. Beast stays
// inside connection.cpp.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/base/async.hpp"

namespace uitgo::loadgen {

// Where the requests go: parsed once from --api-base (http://host:port[/prefix]).
struct Endpoint {
  std::string base_url;
  std::string host;
  std::string port;
  std::string prefix;  // prepended to every target, without a trailing '/'
};

// Throws std::invalid_argument when `url` is not http://host[:port][/prefix].
Endpoint parse_endpoint(const std::string& url);

struct Outgoing {
  std::string method;
  std::string target;  // path and query, relative to the endpoint's prefix
  std::string body;    // sent as application/json when not empty
  std::string bearer;  // Authorization: Bearer <bearer> when not empty
  std::vector<std::pair<std::string, std::string>> headers;
};

struct Reply {
  int status = 0;     // 0: no HTTP answer (see error)
  std::string error;  // "timeout", "connection refused", ...
  std::string body;
};

class Connection {
 public:
  Connection(asio::any_io_executor executor, std::shared_ptr<const Endpoint> endpoint);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Not a coroutine itself: the request is copied into the Beast message
  // before it returns, so callers may pass any named value. One request at a
  // time per connection. A kept-alive socket that the server closed while
  // idle is replaced once, transparently.
  awaitable<Reply> send(const Outgoing& request, Clock::duration timeout);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace uitgo::loadgen
