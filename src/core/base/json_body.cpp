#include "core/base/json_body.hpp"

#include <boost/json/parse.hpp>

#include <cmath>

#include "core/base/ids.hpp"
#include "core/base/json_text.hpp"

namespace uitgo::json {
namespace {

// Counts UTF-8 code points so length limits match what users typed.
std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Length of the well-formed UTF-8 sequence (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF) at the start of `s`; 0 when there is none.
std::size_t utf8_sequence(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t n = 0;
  unsigned char low = 0x80, high = 0xBF;  // range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < n || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return n;
}

// `s` with every byte that is not part of well-formed UTF-8 replaced by U+FFFD:
// messages may quote what a client sent (a query value), and JSON text is UTF-8.
std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    const auto n = utf8_sequence(s);
    out.append(n == 0 ? std::string_view("\xEF\xBF\xBD") : s.substr(0, n));
    s.remove_prefix(n == 0 ? 1 : n);
  }
  return out;
}

std::optional<double> as_number(const boost::json::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return std::nullopt;
}

}  // namespace

std::size_t first_control_character(std::string_view text, bool multiline) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20) continue;
    if (multiline && (c == '\t' || c == '\n' || c == '\r')) continue;
    return i;
  }
  return std::string_view::npos;
}

boost::json::object parse_object(std::string_view body) {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec) throw DomainError::bad_input("invalid_json", "request body is not valid JSON: " + ec.message());
  if (!value.is_object()) throw DomainError::bad_input("invalid_json", "request body must be a JSON object");
  return std::move(value.as_object());
}

std::string error_body(std::string_view code, std::string_view message, const std::optional<std::string>& field) {
  boost::json::object body;
  body["error"] = valid_utf8(message);
  body["code"] = valid_utf8(code);
  if (field) body["field"] = valid_utf8(*field);
  return uitgo::json::to_text(body);
}

std::string error_body(const DomainError& error) { return error_body(error.code(), error.what(), error.field()); }

std::string Fields::qualified(std::string_view name) const {
  return prefix_.empty() ? std::string(name) : prefix_ + "." + std::string(name);
}

const boost::json::value* Fields::find(std::string_view name) const {
  const auto* v = object_.if_contains(name);
  return (v == nullptr || v->is_null()) ? nullptr : v;
}

void Fields::fail(std::string_view name, std::string_view problem) const {
  const auto field = qualified(name);
  throw DomainError::invalid(field, field + " " + std::string(problem));
}

std::optional<std::string> Fields::optional_string(std::string_view name, StringRule rule) const {
  const auto* v = find(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) fail(name, "must be a string");
  std::string text(v->get_string());
  if (first_control_character(text, rule.multiline) != std::string::npos) {
    fail(name, rule.multiline ? "must not contain control characters other than tab and line breaks"
                              : "must not contain control characters");
  }
  const auto length = utf8_length(text);
  if (length < rule.min_length) {
    fail(name, rule.min_length == 1 ? "must not be empty"
                                    : "must be at least " + std::to_string(rule.min_length) + " characters");
  }
  if (length > rule.max_length) fail(name, "must be at most " + std::to_string(rule.max_length) + " characters");
  return text;
}

std::string Fields::required_string(std::string_view name, StringRule rule) const {
  auto v = optional_string(name, rule);
  if (!v) fail(name, "is required");
  return std::move(*v);
}

std::string Fields::required_uuid(std::string_view name) const {
  const auto text = required_string(name, {.min_length = 1, .max_length = 64});
  auto id = normalize_uuid(text);
  if (!id) fail(name, "must be a UUID");
  return std::move(*id);
}

std::optional<double> Fields::optional_number(std::string_view name, double min, double max) const {
  const auto* v = find(name);
  if (v == nullptr) return std::nullopt;
  const auto n = as_number(*v);
  if (!n || !std::isfinite(*n)) fail(name, "must be a number");
  if (*n < min || *n > max) {
    fail(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return n;
}

double Fields::required_number(std::string_view name, double min, double max) const {
  const auto v = optional_number(name, min, max);
  if (!v) fail(name, "is required");
  return *v;
}

std::optional<std::int64_t> Fields::optional_int(std::string_view name, std::int64_t min, std::int64_t max) const {
  const auto* v = find(name);
  if (v == nullptr) return std::nullopt;
  std::optional<std::int64_t> n;
  if (v->is_int64()) n = v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(v->get_uint64());
  }
  if (v->is_double() && std::trunc(v->get_double()) == v->get_double() && std::abs(v->get_double()) < 9e15) {
    n = static_cast<std::int64_t>(v->get_double());
  }
  if (!n) fail(name, "must be an integer");
  if (*n < min || *n > max) {
    fail(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return n;
}

std::int64_t Fields::required_int(std::string_view name, std::int64_t min, std::int64_t max) const {
  const auto v = optional_int(name, min, max);
  if (!v) fail(name, "is required");
  return *v;
}

std::optional<bool> Fields::optional_bool(std::string_view name) const {
  const auto* v = find(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) fail(name, "must be true or false");
  return v->get_bool();
}

std::optional<Fields> Fields::optional_object(std::string_view name) const {
  const auto* v = find(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_object()) fail(name, "must be an object");
  return Fields(v->get_object(), qualified(name));
}

Fields Fields::required_object(std::string_view name) const {
  auto v = optional_object(name);
  if (!v) fail(name, "is required");
  return *v;
}

const boost::json::array& Fields::required_array(std::string_view name, std::size_t min_count,
                                                 std::size_t max_count) const {
  const auto* v = find(name);
  if (v == nullptr) fail(name, "is required");
  if (!v->is_array()) fail(name, "must be an array");
  const auto& items = v->get_array();
  if (items.size() < min_count || items.size() > max_count) {
    fail(name, "must hold " + std::to_string(min_count) + " to " + std::to_string(max_count) + " items");
  }
  return items;
}

std::vector<Fields> Fields::required_objects(std::string_view name, std::size_t min_count,
                                             std::size_t max_count) const {
  const auto& items = required_array(name, min_count, max_count);
  std::vector<Fields> out;
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto item = std::string(name) + "[" + std::to_string(i) + "]";
    if (!items[i].is_object()) fail(item, "must be an object");
    out.emplace_back(items[i].get_object(), qualified(item));
  }
  return out;
}

std::vector<std::string> Fields::required_uuids(std::string_view name, std::size_t min_count,
                                                std::size_t max_count) const {
  const auto& items = required_array(name, min_count, max_count);
  std::vector<std::string> out;
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto item = std::string(name) + "[" + std::to_string(i) + "]";
    auto id = items[i].is_string() ? normalize_uuid(std::string(items[i].get_string())) : std::nullopt;
    if (!id) fail(item, "must be a UUID");
    out.push_back(std::move(*id));
  }
  return out;
}

}  // namespace uitgo::json
