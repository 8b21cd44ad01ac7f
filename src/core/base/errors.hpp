// Error types shared by every layer. Dependency failures are typed so the
// HTTP layer can map them to 503 + Retry-After without knowing who threw.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

namespace uitgo {

// An outbound call exceeded its deadline (Postgres query, Redis command...).
struct TimeoutError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A dependency cannot be reached right now (connection refused, reset...).
struct UnavailableError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A local bound was hit (pool wait queue full, too many in-flight requests).
struct OverloadedError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A client-visible error with the SPEC's shape: {"error": message, "code": code}.
// `field` is set for validation_failed so clients know what to fix.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, std::string code, std::string message, std::optional<std::string> field = {})
      : std::runtime_error(message), status_(status), code_(std::move(code)), field_(std::move(field)) {}

  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::optional<std::string>& field() const { return field_; }

  static HttpError bad_request(std::string code, std::string message) {
    return {400, std::move(code), std::move(message)};
  }
  static HttpError validation(std::string field, std::string message) {
    return {400, "validation_failed", std::move(message), std::move(field)};
  }
  static HttpError unauthorized(std::string message = "authentication required") {
    return {401, "unauthorized", std::move(message)};
  }
  static HttpError forbidden(std::string message = "not allowed for this role") {
    return {403, "forbidden", std::move(message)};
  }
  static HttpError not_found(std::string message = "not found") { return {404, "not_found", std::move(message)}; }
  static HttpError conflict(std::string message) { return {409, "conflict", std::move(message)}; }

 private:
  int status_;
  std::string code_;
  std::optional<std::string> field_;
};

}  // namespace uitgo
