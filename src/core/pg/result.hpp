// A completed statement's result. Owns the PGresult, so rows stay readable
// after the connection has gone back to the pool.
#pragma once

#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "core/pg/errors.hpp"

struct pg_result;  // libpq's PGresult; kept out of this header on purpose

namespace uitgo::pg {

namespace detail {
template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};

std::int64_t parse_int64(std::string_view text, std::string_view column);
double parse_double(std::string_view text, std::string_view column);
bool parse_bool(std::string_view text, std::string_view column);
[[noreturn]] void throw_out_of_range(std::string_view column, std::string_view text);
}  // namespace detail

class Result {
 public:
  Result() = default;
  explicit Result(pg_result* native) noexcept;  // takes ownership

  int rows() const noexcept;
  int columns() const noexcept;
  bool empty() const noexcept { return rows() == 0; }

  // Exact (case-sensitive) match on the output column name; throws
  // std::out_of_range when absent, since that is always a bug in the SQL.
  int column(std::string_view name) const;
  std::string_view column_name(int col) const;

  bool is_null(int row, int col) const;
  // Raw text of a value ("" for NULL); valid while this Result lives.
  std::string_view text(int row, int col) const;

  // T: std::string, std::string_view (valid while this Result lives), any
  // integer type, double/float, bool, or std::optional of those for NULLs.
  template <typename T>
  T get(int row, int col) const;
  template <typename T>
  T get(int row, std::string_view name) const {
    return get<T>(row, column(name));
  }

  // Rows inserted/updated/deleted (or selected) according to the command tag.
  std::int64_t affected_rows() const noexcept;
  // Command tag, e.g. "INSERT 0 1", "COMMIT", "ROLLBACK".
  std::string_view command() const noexcept;

  pg_result* native() const noexcept { return res_.get(); }

 private:
  struct Deleter {
    void operator()(pg_result* res) const noexcept;
  };
  void check_cell(int row, int col) const;
  [[noreturn]] void throw_null(int col) const;

  std::unique_ptr<pg_result, Deleter> res_;
};

template <typename T>
T Result::get(int row, int col) const {
  check_cell(row, col);
  if constexpr (detail::is_optional<T>::value) {
    if (is_null(row, col)) return std::nullopt;
    return get<typename T::value_type>(row, col);
  } else {
    if (is_null(row, col)) throw_null(col);
    const std::string_view raw = text(row, col);
    if constexpr (std::is_same_v<T, std::string>) {
      return std::string(raw);
    } else if constexpr (std::is_same_v<T, std::string_view>) {
      return raw;
    } else if constexpr (std::is_same_v<T, bool>) {
      return detail::parse_bool(raw, column_name(col));
    } else if constexpr (std::is_integral_v<T>) {
      const std::int64_t v = detail::parse_int64(raw, column_name(col));
      if (!std::in_range<T>(v)) detail::throw_out_of_range(column_name(col), raw);
      return static_cast<T>(v);
    } else if constexpr (std::is_floating_point_v<T>) {
      return static_cast<T>(detail::parse_double(raw, column_name(col)));
    } else {
      static_assert(sizeof(T) == 0, "unsupported type for pg::Result::get");
    }
  }
}

}  // namespace uitgo::pg
