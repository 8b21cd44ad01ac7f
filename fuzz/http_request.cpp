// Fuzz target: the HTTP request path without a socket. The bytes are what a
// keep-alive connection sends: one request after another, each parsed by
// Beast's request parser with the server's limits, converted by the server's
// own code into http::Request (detail::to_request: target split,
// percent-decoding, query parsing, header names), routed over some of the
// services' templates, its route's inputs parsed as that route's handler
// does (query values, path ids, Idempotency-Key), asked for its bearer token,
// and its body parsed as a JSON object. A refusal is a DomainError that must
// become a JSON error body; any other exception, a crash or a sanitizer
// report is a finding.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/base/errors.hpp"
#include "core/base/ids.hpp"
#include "core/base/json_body.hpp"
#include "core/http/auth.hpp"
#include "core/http/beast_request.hpp"
#include "core/http/response.hpp"
#include "core/http/router.hpp"
#include "core/http/server.hpp"
#include "driver/search/search_query.hpp"
#include "fuzz/check.hpp"
#include "trip/lifecycle/inputs.hpp"

namespace {

namespace bhttp = boost::beast::http;
using namespace uitgo;
using fuzz::expect;

constexpr int kMaxRequestsPerInput = 4;

const http::Router& router() {
  static const http::Router instance = [] {
    http::Router r;
    for (const char* method : {"GET", "POST"}) r.add(method, "/v1/trips", {});
    r.add("GET", "/v1/trips/{id}", {});
    r.add("PATCH", "/v1/trips/{id}/status", {});
    r.add("GET", "/v1/trips/{id}/ws", {});
    r.add("GET", "/v1/drivers/search", {});
    r.add("GET", "/v1/drivers/me", {});
    r.add("GET", "/v1/drivers/{id}", {});
    r.add("POST", "/internal/drivers/{id}/reserve", {});
    r.add("GET", "/health", {});
    return r;
  }();
  return instance;
}

std::size_t parameters_of(const http::Route& route) {
  return static_cast<std::size_t>(
      std::count_if(route.segments.begin(), route.segments.end(), [](const auto& s) { return s.front() == '{'; }));
}

void route(http::Request& request) {
  const auto match = router().match(request.method, request.path);
  if (match.kind == http::RouteMatch::Kind::found) {
    expect(match.route->method == request.method, "a found route has the request's method");
    expect(match.params.size() == parameters_of(*match.route), "a found route binds every {param}");
    for (const auto& [name, value] : match.params) {
      expect(!value.empty() && value.find('/') == std::string::npos, "a path parameter is one non-empty segment");
    }
    request.route = match.route->path_template;
    request.path_params = match.params;
  } else if (match.kind == http::RouteMatch::Kind::method_not_allowed) {
    const auto& allowed = match.allowed_methods;
    expect(!allowed.empty() && std::find(allowed.begin(), allowed.end(), request.method) == allowed.end(),
           "405 lists other methods only");
  }
}

// What the matched route's handler reads before anything else.
void parse_inputs(const http::Request& r) {
  if (r.route == "/v1/trips" && r.method == "GET") {
    trip::ListQuery::parse(r.query_param("limit"), r.query_param("offset"), r.query_param("status"));
  } else if (r.route == "/v1/trips") {
    trip::parse_idempotency_key(r.header("idempotency-key"));
  } else if (r.route == "/v1/drivers/search") {
    driver::parse_search_query(r.query_param("lat"), r.query_param("lng"), r.query_param("radius"),
                               r.query_param("limit"));
  } else if (!r.path_param("id").empty()) {
    path_uuid(r.path_param("id"), "trip");
  }
}

void handle(http::Request& request) {
  route(request);
  parse_inputs(request);
  (void)request.path_param("id");
  (void)request.query_param("token");
  (void)http::bearer_token(request);
  if (request.body.empty()) return;
  const auto object = json::parse_object(request.body);
  json::Fields(object).optional_string("type");
}

void refuse(const DomainError& error) {
  const auto response = http::Response::error(error);
  expect(response.status >= 400 && response.status < 500, "a refusal is a 4xx");
  fuzz::expect_json_object(response.body, "a refusal's body is a JSON object");
}

// Parses the next request off the front of `bytes`; nullopt when the bytes end
// before a request does or are not HTTP (the server answers 400/413/431 or
// closes).
std::optional<bhttp::request<bhttp::string_body>> next_request(std::string_view& bytes) {
  static const http::ServerOptions limits;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body_bytes);
  parser.eager(true);
  boost::beast::error_code ec;
  while (!bytes.empty() && !parser.is_done()) {
    const auto used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec || used == 0) return std::nullopt;  // need_more too: the server would wait, then time out
    bytes.remove_prefix(used);
  }
  if (!parser.is_done()) return std::nullopt;
  return parser.release();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < kMaxRequestsPerInput; ++i) {
    auto message = next_request(bytes);
    if (!message) break;
    const bool upgrade = boost::beast::websocket::is_upgrade(*message);
    try {
      auto request = http::detail::to_request(std::move(*message), "192.0.2.1");
      request.websocket_upgrade = upgrade;
      expect(!request.path.empty() && request.path.front() == '/', "a request's path starts with '/'");
      handle(request);
    } catch (const DomainError& e) {
      refuse(e);
    }
  }
  return 0;
}
