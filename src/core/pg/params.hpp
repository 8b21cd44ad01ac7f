// Query parameters, always sent as text: the server parses them with the type
// it inferred for $n, which avoids hard-coding type OIDs here.
#pragma once

#include <charconv>
#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace uitgo::pg {

class Param {
 public:
  Param(std::nullopt_t) {}  // SQL NULL
  Param(std::string value) : value_(std::move(value)) {}
  Param(std::string_view value) : value_(std::string(value)) {}
  Param(const char* value) {
    if (value) value_.emplace(value);  // a null pointer is NULL, not a crash
  }

  // Constrained templates rather than plain overloads: otherwise `char` and
  // pointers would silently convert to bool.
  template <std::same_as<bool> B>
  Param(B value) : value_(value ? "true" : "false") {}

  template <std::integral I>
  requires(!std::same_as<I, bool> && !std::same_as<I, char>) Param(I value) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    value_.emplace(buf, end);
  }

  template <std::floating_point F>
  Param(F value) {
    char buf[32];  // shortest round-trip form, so the server gets exactly this double
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<double>(value));
    value_.emplace(buf, end);
  }

  template <typename T>
  Param(const std::optional<T>& value) {
    if (value) value_ = Param(*value).value_;
  }

  bool is_null() const noexcept { return !value_.has_value(); }
  // NUL-terminated text for libpq, or nullptr for NULL.
  const char* c_str() const noexcept { return value_ ? value_->c_str() : nullptr; }
  const std::optional<std::string>& value() const noexcept { return value_; }

 private:
  std::optional<std::string> value_;
};

// Written as a braced list at the call site: pool.query(sql, {email, 5, std::nullopt}).
// Deliberately not std::vector<Param>: GCC 12 rejects a std::initializer_list
// of non-trivial elements inside a co_await expression ("array used as
// initializer"), so the braces go to a variadic constructor instead.
class Params {
 public:
  Params() = default;

  template <typename... Ts>
  requires(sizeof...(Ts) > 0 && (std::constructible_from<Param, Ts&&> && ...)) Params(Ts&&... values) {
    values_.reserve(sizeof...(Ts));
    (values_.emplace_back(std::forward<Ts>(values)), ...);
  }

  // For statements assembled at run time (optional filters, bulk inserts).
  template <typename T>
  Params& add(T&& value) {
    values_.emplace_back(std::forward<T>(value));
    return *this;
  }

  std::size_t size() const noexcept { return values_.size(); }
  bool empty() const noexcept { return values_.empty(); }
  const Param& operator[](std::size_t i) const { return values_[i]; }
  auto begin() const noexcept { return values_.begin(); }
  auto end() const noexcept { return values_.end(); }

 private:
  std::vector<Param> values_;
};

}  // namespace uitgo::pg
