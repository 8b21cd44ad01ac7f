// The request as handlers see it: plain data, no Beast types, so handlers and
// the router compile fast and can be unit-tested without a socket.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/principal.hpp"

namespace uitgo::http {

// Who is calling, as established by the authentication hook.
using Principal = uitgo::Principal;

struct Request {
  std::string method;                                        // upper-case: GET, POST, ...
  std::string target;                                        // raw target incl. query string
  std::string path;                                          // percent-decoded path, no query
  std::vector<std::pair<std::string, std::string>> query;    // decoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string remote_address;
  bool websocket_upgrade = false;  // a valid WebSocket upgrade request (GET, Upgrade: websocket)

  // Filled in while the request travels through the server.
  std::string request_id;
  std::string route;  // matched template, e.g. /v1/trips/{id}; "unmatched" otherwise
  std::vector<std::pair<std::string, std::string>> path_params;
  std::optional<Principal> principal;

  std::optional<std::string_view> header(std::string_view lower_case_name) const;
  std::optional<std::string_view> query_param(std::string_view name) const;
  // The value of a {name} segment of the matched route; empty if absent.
  std::string_view path_param(std::string_view name) const;
  // The authenticated caller; throws 401 when the route did not authenticate.
  const Principal& caller() const;
};

// The server's conversion of a parsed HTTP message into what handlers see:
// keeps the raw target, percent-decodes its path (400 bad_request unless it
// starts with '/'), parses its query (400 invalid_query, see parse_query) and
// lower-cases the header names. Beast-free, so it runs without a socket
// (core/http/beast_request.hpp feeds it Beast's message).
Request make_request(std::string method, std::string target, std::vector<std::pair<std::string, std::string>> headers,
                     std::string body, std::string remote_address);

// The methods the server implements (GET HEAD POST PUT PATCH DELETE OPTIONS);
// any other is answered 501 whatever the path.
bool known_method(std::string_view method);
// The method as a metric label: itself when known, "other" otherwise, so a
// client inventing methods cannot create new series.
std::string_view method_label(std::string_view method);

// Splits "a=1&b=%20x" into decoded pairs ('+' means space, as in forms).
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);
// Decodes %XX escapes; returns nullopt for malformed escapes.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace uitgo::http
