// Postgres array literals ("{1.5,2,3}") for array parameters, so that a batch
// of rows travels as one parameter per column and is written by one statement
// (`unnest($1::uuid[], $2::float8[], ...)`) instead of one statement per row.
// Numbers, UUIDs and NULL go as they are; any other text through append_quoted
// (append_element picks the right one).
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace uitgo::pg {

// Appends a number exactly as std::to_chars prints it (shortest round-trip
// form for doubles, no locale).
template <typename T>
void append_number(std::string& out, T value) {
  char buf[32];
  const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  out.append(buf, end);
}

// Appends `text` as a quoted element: any text (JSON, spaces, commas, quotes).
inline void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

// Appends one element: text quoted, a number as it is, NULL for an empty optional.
inline void append_element(std::string& out, std::string_view text) { append_quoted(out, text); }
template <typename T>
requires std::is_arithmetic_v<T>
void append_element(std::string& out, T value) { append_number(out, value); }
template <typename T>
void append_element(std::string& out, const std::optional<T>& value) {
  if (value) {
    append_element(out, *value);
  } else {
    out += "NULL";
  }
}

// "{e1,e2,...}" where `element(out, item)` appends each item's element.
template <typename Item, typename Element>
std::string array_literal(const std::vector<Item>& items, Element&& element) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    element(out, items[i]);
  }
  out += '}';
  return out;
}

}  // namespace uitgo::pg
