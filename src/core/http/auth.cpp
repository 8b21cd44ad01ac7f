#include "core/http/auth.hpp"

#include "core/base/errors.hpp"

namespace uitgo::http {

Principal RejectAllAuthenticator::authenticate(const Request&) const {
  throw HttpError::unauthorized("authentication is not available on this service");
}

std::string_view bearer_token(const Request& request) {
  if (auto header = request.header("authorization")) {
    constexpr std::string_view prefix = "Bearer ";
    if (header->size() > prefix.size() && header->substr(0, prefix.size()) == prefix) {
      return header->substr(prefix.size());
    }
    return {};
  }
  return request.query_param("token").value_or(std::string_view{});
}

}  // namespace uitgo::http
