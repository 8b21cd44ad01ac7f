// Errors specific to PostgreSQL. Connection-level failures are reported with
// the shared uitgo::UnavailableError / TimeoutError / OverloadedError instead,
// so the HTTP layer maps them without knowing that Postgres was involved.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace uitgo::pg {

// SQLSTATE codes that callers commonly map to HTTP statuses.
namespace sqlstate {
inline constexpr std::string_view unique_violation = "23505";
inline constexpr std::string_view foreign_key_violation = "23503";
inline constexpr std::string_view not_null_violation = "23502";
inline constexpr std::string_view check_violation = "23514";
inline constexpr std::string_view serialization_failure = "40001";
inline constexpr std::string_view deadlock_detected = "40P01";
inline constexpr std::string_view in_failed_transaction = "25P02";
inline constexpr std::string_view query_canceled = "57014";
}  // namespace sqlstate

// The server rejected a statement; the connection itself is still healthy.
class QueryError : public std::runtime_error {
 public:
  QueryError(const std::string& message, std::string sqlstate, std::string detail = {}, std::string constraint = {})
      : std::runtime_error(message),
        sqlstate_(std::move(sqlstate)),
        detail_(std::move(detail)),
        constraint_(std::move(constraint)) {}

  const std::string& sqlstate() const noexcept { return sqlstate_; }
  const std::string& detail() const noexcept { return detail_; }
  // Name of the violated constraint, so one INSERT can tell "email taken" from "phone taken".
  const std::string& constraint() const noexcept { return constraint_; }

  bool is(std::string_view code) const noexcept { return sqlstate_ == code; }
  bool is_unique_violation() const noexcept { return is(sqlstate::unique_violation); }

 private:
  std::string sqlstate_;
  std::string detail_;
  std::string constraint_;
};

// A value could not be read as the requested C++ type (including NULL read into
// a non-optional): a programming error in the caller's SQL or types.
class ConversionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace uitgo::pg
