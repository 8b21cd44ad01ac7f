// Parsing and validating JSON request bodies into typed structs. Every
// failure is a DomainError naming the offending field, so a handler never
// writes half of a bad request.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/errors.hpp"

namespace uitgo::json {

// Parses `body` as a JSON object; anything else is 400 invalid_json.
boost::json::object parse_object(std::string_view body);

// {"error": message, "code": code[, "field": field]} — the one error shape.
// Always valid UTF-8: bytes that are not become U+FFFD.
std::string error_body(std::string_view code, std::string_view message,
                       const std::optional<std::string>& field = std::nullopt);
std::string error_body(const DomainError& error);

struct StringRule {
  std::size_t min_length = 1;
  std::size_t max_length = 255;
  // C0 control characters (U+0000..U+001F) are refused in every string; a
  // multi-line free-text field (a news body, a description) allows tab, LF
  // and CR among them.
  bool multiline = false;
};

// The offset of the first C0 control character in `text` that a field of
// that kind does not allow; npos when there is none.
std::size_t first_control_character(std::string_view text, bool multiline);

// Reads typed fields out of one JSON object. `prefix` qualifies nested field
// names in errors ("vehicle.plateNumber").
class Fields {
 public:
  explicit Fields(const boost::json::object& object, std::string prefix = {})
      : object_(object), prefix_(std::move(prefix)) {}

  std::string required_string(std::string_view name, StringRule rule = {}) const;
  std::optional<std::string> optional_string(std::string_view name, StringRule rule = {}) const;
  double required_number(std::string_view name, double min, double max) const;
  std::optional<double> optional_number(std::string_view name, double min, double max) const;
  std::int64_t required_int(std::string_view name, std::int64_t min, std::int64_t max) const;
  std::optional<std::int64_t> optional_int(std::string_view name, std::int64_t min, std::int64_t max) const;
  std::optional<bool> optional_bool(std::string_view name) const;
  // A UUID in canonical text form, returned lower-case.
  std::string required_uuid(std::string_view name) const;
  Fields required_object(std::string_view name) const;
  std::optional<Fields> optional_object(std::string_view name) const;
  // Arrays of min_count..max_count items; items are named "name[i]" in errors.
  std::vector<Fields> required_objects(std::string_view name, std::size_t min_count, std::size_t max_count) const;
  std::vector<std::string> required_uuids(std::string_view name, std::size_t min_count, std::size_t max_count) const;

  // Coordinates per SPEC: finite, lat in [-90, 90], lng in [-180, 180].
  double required_latitude(std::string_view name) const { return required_number(name, -90, 90); }
  double required_longitude(std::string_view name) const { return required_number(name, -180, 180); }

  std::string qualified(std::string_view name) const;

 private:
  // nullptr when absent or JSON null (both mean "not given").
  const boost::json::value* find(std::string_view name) const;
  const boost::json::array& required_array(std::string_view name, std::size_t min_count, std::size_t max_count) const;
  [[noreturn]] void fail(std::string_view name, std::string_view problem) const;

  const boost::json::object& object_;
  std::string prefix_;
};

// Parses a body into T via `static T T::from_json(const Fields&)`.
template <typename T>
T parse_body(std::string_view body) {
  const auto object = parse_object(body);
  return T::from_json(Fields(object));
}

}  // namespace uitgo::json
