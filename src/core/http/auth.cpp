#include "core/http/auth.hpp"

#include "core/base/errors.hpp"

namespace uitgo::http {

Principal RejectAllAuthenticator::authenticate(const Request&) const {
  throw DomainError::unauthenticated("authentication is not available on this service");
}

std::string_view bearer_token(const Request& request) {
  if (auto header = request.header("authorization")) {
    constexpr std::string_view prefix = "Bearer ";
    if (header->size() > prefix.size() && header->substr(0, prefix.size()) == prefix) {
      return header->substr(prefix.size());
    }
    return {};
  }
  // Only WebSocket upgrades: elsewhere a token in the URL would end up in
  // proxy logs and browser history for no reason.
  if (!request.websocket_upgrade) return {};
  // ?accessToken= is what the original apps' web builds send.
  if (auto token = request.query_param("token")) return *token;
  return request.query_param("accessToken").value_or(std::string_view{});
}

}  // namespace uitgo::http
