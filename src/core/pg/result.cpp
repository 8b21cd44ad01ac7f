#include "core/pg/result.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <stdexcept>

namespace uitgo::pg {

namespace detail {

std::int64_t parse_int64(std::string_view text, std::string_view column) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc::result_out_of_range) throw_out_of_range(column, text);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    throw ConversionError("column \"" + std::string(column) + "\": \"" + std::string(text) + "\" is not an integer");
  }
  return v;
}

double parse_double(std::string_view text, std::string_view column) {
  double v = 0;
  // The server spells infinities "Infinity"; from_chars accepts that form too.
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    throw ConversionError("column \"" + std::string(column) + "\": \"" + std::string(text) + "\" is not a number");
  }
  return v;
}

bool parse_bool(std::string_view text, std::string_view column) {
  if (text == "t") return true;
  if (text == "f") return false;
  throw ConversionError("column \"" + std::string(column) + "\": \"" + std::string(text) + "\" is not a boolean");
}

void throw_out_of_range(std::string_view column, std::string_view text) {
  throw ConversionError("column \"" + std::string(column) + "\": " + std::string(text) +
                        " does not fit the requested integer type");
}

}  // namespace detail

void Result::Deleter::operator()(pg_result* res) const noexcept { PQclear(res); }

Result::Result(pg_result* native) noexcept : res_(native) {}

int Result::rows() const noexcept { return res_ ? PQntuples(res_.get()) : 0; }

int Result::columns() const noexcept { return res_ ? PQnfields(res_.get()) : 0; }

int Result::column(std::string_view name) const {
  // PQfnumber folds unquoted names to lower case, which surprises callers who
  // alias columns in camelCase; an exact match is predictable.
  const int n = columns();
  for (int i = 0; i < n; ++i) {
    if (name == PQfname(res_.get(), i)) return i;
  }
  throw std::out_of_range("result has no column \"" + std::string(name) + "\"");
}

std::string_view Result::column_name(int col) const {
  if (col < 0 || col >= columns()) throw std::out_of_range("column index out of range");
  return PQfname(res_.get(), col);
}

void Result::check_cell(int row, int col) const {
  if (row < 0 || row >= rows()) {
    throw std::out_of_range("row " + std::to_string(row) + " out of range (" + std::to_string(rows()) + " rows)");
  }
  if (col < 0 || col >= columns()) {
    throw std::out_of_range("column " + std::to_string(col) + " out of range (" + std::to_string(columns()) +
                            " columns)");
  }
}

void Result::throw_null(int col) const {
  throw ConversionError("column \"" + std::string(column_name(col)) + "\" is NULL; read it as std::optional");
}

bool Result::is_null(int row, int col) const {
  check_cell(row, col);
  return PQgetisnull(res_.get(), row, col) != 0;
}

std::string_view Result::text(int row, int col) const {
  check_cell(row, col);
  return {PQgetvalue(res_.get(), row, col), static_cast<std::size_t>(PQgetlength(res_.get(), row, col))};
}

std::int64_t Result::affected_rows() const noexcept {
  if (!res_) return 0;
  const char* tuples = PQcmdTuples(res_.get());
  return (tuples && *tuples) ? std::strtoll(tuples, nullptr, 10) : 0;
}

std::string_view Result::command() const noexcept { return res_ ? PQcmdStatus(res_.get()) : ""; }

}  // namespace uitgo::pg
