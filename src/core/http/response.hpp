// The response a handler returns; the server turns it into HTTP.
#pragma once

#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/base/errors.hpp"

namespace uitgo::http {

struct WebSocketUpgrade;  // websocket.hpp

// The HTTP status of each kind of refusal: the one place that knows it.
int http_status(Refusal kind);

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Set by upgrade_to_websocket(): the server hands the connection over
  // instead of writing this response.
  std::shared_ptr<WebSocketUpgrade> upgrade;

  static Response json(int status, const boost::json::value& body);
  static Response no_content();
  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  // The refusal with the status of its kind and the SPEC's error body.
  static Response error(const DomainError& error);
  static Response error(int status, std::string_view code, std::string_view message);
  // 503 with Retry-After: the caller should back off and retry.
  static Response unavailable(std::string_view code, std::string_view message, int retry_after_seconds = 1);

  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace uitgo::http
