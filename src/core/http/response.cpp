#include "core/http/response.hpp"

#include "core/base/json_body.hpp"
#include "core/base/json_text.hpp"

namespace uitgo::http {

Response Response::json(int status, const boost::json::value& body) {
  return Response{.status = status, .body = uitgo::json::to_text(body)};
}

Response Response::no_content() { return Response{.status = 204, .content_type = {}, .body = {}}; }

Response Response::text(int status, std::string body, std::string content_type) {
  return Response{.status = status, .content_type = std::move(content_type), .body = std::move(body)};
}

int http_status(Refusal kind) {
  switch (kind) {
    case Refusal::invalid:
      return 400;
    case Refusal::unauthenticated:
      return 401;
    case Refusal::forbidden:
      return 403;
    case Refusal::not_found:
      return 404;
    case Refusal::conflict:
      return 409;
    case Refusal::unprocessable:
      return 422;
    case Refusal::payment_required:
      return 402;
  }
  return 400;
}

Response Response::error(const DomainError& error) {
  return Response{.status = http_status(error.kind()), .body = json::error_body(error)};
}

Response Response::error(int status, std::string_view code, std::string_view message) {
  return Response{.status = status, .body = json::error_body(code, message)};
}

Response Response::unavailable(std::string_view code, std::string_view message, int retry_after_seconds) {
  auto r = error(503, code, message);
  r.with_header("Retry-After", std::to_string(retry_after_seconds));
  return r;
}

}  // namespace uitgo::http
