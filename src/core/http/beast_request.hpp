// Internal to uitgo_http (server.cpp) and the http_request fuzz target: Beast's
// parsed request to the plain Request handlers see (Beast types, hence separate).
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "core/http/request.hpp"

namespace uitgo::http::detail {

// Throws DomainError (400) for a malformed target or query, as make_request.
inline Request to_request(boost::beast::http::request<boost::beast::http::string_body>&& in,
                          std::string remote_address) {
  std::vector<std::pair<std::string, std::string>> headers;
  headers.reserve(static_cast<std::size_t>(std::distance(in.begin(), in.end())));
  for (const auto& field : in) headers.emplace_back(field.name_string(), field.value());
  return make_request(std::string(in.method_string()), std::string(in.target()), std::move(headers),
                      std::move(in.body()), std::move(remote_address));
}

}  // namespace uitgo::http::detail
