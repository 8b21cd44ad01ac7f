// Error types shared by every layer. Dependency failures are typed so the
// HTTP layer can map them to 503 + Retry-After without knowing who threw;
// refusals (DomainError) carry a kind, not an HTTP status.
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

// What kind of refusal a rule gave. Only core/http/middleware.cpp knows the
// HTTP status of each (http_status()).
enum class Refusal {
  invalid,           // 400: malformed or out-of-range input
  unauthenticated,   // 401: no valid credentials
  forbidden,         // 403: known caller, not allowed
  not_found,         // 404: no such thing (or not the caller's to see)
  conflict,          // 409: the state does not allow it
  unprocessable,     // 422: well-formed, but contradicts an earlier request
  payment_required,  // 402: the caller's wallet cannot pay for it
};

// A request refused by a rule: bad input, not allowed, not found, a conflict.
// Thrown by validators, use cases and stores, which stay free of HTTP; turned
// into the SPEC's error body {"error": message, "code": code[, "field"]} with
// the status of its kind in one place. `field` names what to fix.
class DomainError : public std::runtime_error {
 public:
  DomainError(Refusal kind, std::string code, std::string message, std::optional<std::string> field = {})
      : std::runtime_error(message), kind_(kind), code_(std::move(code)), field_(std::move(field)) {}

  Refusal kind() const { return kind_; }
  const std::string& code() const { return code_; }
  const std::optional<std::string>& field() const { return field_; }

  // validation_failed naming `field`.
  static DomainError invalid(std::string field, std::string message) {
    return {Refusal::invalid, "validation_failed", std::move(message), std::move(field)};
  }
  // Bad input that is not one field's fault (invalid_json, invalid_query...).
  static DomainError bad_input(std::string code, std::string message) {
    return {Refusal::invalid, std::move(code), std::move(message)};
  }
  static DomainError unauthenticated(std::string message = "authentication required") {
    return {Refusal::unauthenticated, "unauthorized", std::move(message)};
  }
  static DomainError forbidden(std::string message = "not allowed for this role") {
    return {Refusal::forbidden, "forbidden", std::move(message)};
  }
  static DomainError not_found(std::string message = "not found") {
    return {Refusal::not_found, "not_found", std::move(message)};
  }
  static DomainError conflict(std::string message) { return {Refusal::conflict, "conflict", std::move(message)}; }
  static DomainError conflict(std::string code, std::string message) {
    return {Refusal::conflict, std::move(code), std::move(message)};
  }
  static DomainError payment_required(std::string code, std::string message) {
    return {Refusal::payment_required, std::move(code), std::move(message)};
  }
  static DomainError unprocessable(std::string code, std::string message, std::optional<std::string> field = {}) {
    return {Refusal::unprocessable, std::move(code), std::move(message), std::move(field)};
  }

 private:
  Refusal kind_;
  std::string code_;
  std::optional<std::string> field_;
};

}  // namespace uitgo
