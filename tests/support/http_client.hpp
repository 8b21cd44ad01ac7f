// A blocking HTTP/1.1 client for integration tests (one connection per call),
// plus raw socket access for sending deliberately malformed requests.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace uitgo::test {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;

  std::string header(const std::string& lower_case_name) const;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// `name` in lower case: header names are compared that way.
std::string lower_case(std::string_view name);

HttpResponse http_request(std::uint16_t port, const std::string& method, const std::string& target,
                          const std::string& body = {}, const Headers& headers = {});

// Sends `bytes` as-is and returns everything read until the server closes or
// `timeout` passes (the raw response text).
std::string raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

// A connection kept open across steps, for tests that interleave writes with
// events on the server (e.g. SIGTERM while a request is half sent).
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void send(const std::string& bytes);
  std::string read_all(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
};

}  // namespace uitgo::test
