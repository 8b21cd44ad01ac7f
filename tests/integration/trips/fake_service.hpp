// A tiny HTTP/1.1 server standing in for driver-service in trip-service's
// tests: it records every request and answers through a handler the test
// sets (keep-alive supported, as trip-service's http::Client reuses
// connections).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace uitgo::test {

struct FakeRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

struct FakeResponse {
  int status = 200;
  std::string body = "{}";
};

class FakeService {
 public:
  using Handler = std::function<FakeResponse(const FakeRequest&)>;

  FakeService();  // listens on 127.0.0.1, a kernel-chosen port
  ~FakeService();
  FakeService(const FakeService&) = delete;
  FakeService& operator=(const FakeService&) = delete;

  std::uint16_t port() const { return port_; }
  void set_handler(Handler handler);
  std::vector<FakeRequest> requests() const;
  // Requests whose target starts with `prefix`.
  std::vector<FakeRequest> requests(const std::string& prefix) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
  std::uint16_t port_ = 0;
};

}  // namespace uitgo::test
