#include "core/redis/reply.hpp"

#include <charconv>
#include <utility>

namespace uitgo::redis {

namespace {

// Bounded so a large unexpected value cannot flood a log line.
std::string excerpt(std::string text) {
  if (text.size() > 120) {
    text.resize(120);
    text += "...";
  }
  return text;
}

}  // namespace

std::string_view CommandError::code() const {
  std::string_view message = what();
  return message.substr(0, message.find(' '));
}

Reply Reply::status(std::string text) {
  Reply r;
  r.type_ = Type::status;
  r.text_ = std::move(text);
  return r;
}

Reply Reply::error(std::string message) {
  Reply r;
  r.type_ = Type::error;
  r.text_ = std::move(message);
  return r;
}

Reply Reply::integer(std::int64_t value) {
  Reply r;
  r.type_ = Type::integer;
  r.integer_ = value;
  return r;
}

Reply Reply::string(std::string bytes) {
  Reply r;
  r.type_ = Type::string;
  r.text_ = std::move(bytes);
  return r;
}

Reply Reply::array(std::vector<Reply> elements) {
  Reply r;
  r.type_ = Type::array;
  r.elements_ = std::move(elements);
  return r;
}

const std::string& Reply::as_string() const {
  throw_if_error();
  if (type_ != Type::string && type_ != Type::status) fail_type("string");
  return text_;
}

std::optional<std::string> Reply::as_optional_string() const {
  if (type_ == Type::nil) return std::nullopt;
  return as_string();
}

std::int64_t Reply::as_int() const {
  throw_if_error();
  if (type_ == Type::integer) return integer_;
  if (type_ == Type::string) {
    std::int64_t value = 0;
    const char* end = text_.data() + text_.size();
    auto [ptr, ec] = std::from_chars(text_.data(), end, value);
    if (ec == std::errc() && ptr == end && !text_.empty()) return value;
    throw ReplyTypeError("redis reply \"" + excerpt(text_) + "\" is not an integer");
  }
  fail_type("integer");
}

double Reply::as_double() const {
  throw_if_error();
  if (type_ == Type::integer) return static_cast<double>(integer_);
  if (type_ == Type::string) {
    double value = 0;
    const char* end = text_.data() + text_.size();
    auto [ptr, ec] = std::from_chars(text_.data(), end, value);
    if (ec == std::errc() && ptr == end && !text_.empty()) return value;
    throw ReplyTypeError("redis reply \"" + excerpt(text_) + "\" is not a number");
  }
  fail_type("number");
}

const std::vector<Reply>& Reply::as_array() const {
  throw_if_error();
  if (type_ != Type::array && type_ != Type::nil) fail_type("array");
  return elements_;
}

std::vector<Reply>& Reply::as_array() {
  std::as_const(*this).as_array();
  return elements_;
}

const std::string& Reply::error_message() const {
  if (type_ != Type::error) fail_type("error");
  return text_;
}

void Reply::throw_if_error() const {
  if (type_ == Type::error) throw CommandError(text_);
}

std::string Reply::debug_string() const {
  switch (type_) {
    case Type::nil:
      return "nil";
    case Type::status:
      return text_;
    case Type::error:
      return "(error) " + text_;
    case Type::integer:
      return std::to_string(integer_);
    case Type::string:
      return '"' + text_ + '"';
    case Type::array: {
      std::string out = "[";
      for (const Reply& element : elements_) {
        if (out.size() > 1) out += ", ";
        out += element.debug_string();
      }
      return out + "]";
    }
  }
  return {};
}

bool operator==(const Reply& a, const Reply& b) {
  return a.type_ == b.type_ && a.integer_ == b.integer_ && a.text_ == b.text_ && a.elements_ == b.elements_;
}

std::string_view Reply::type_name() const { return to_string(type_); }

void Reply::fail_type(std::string_view wanted) const {
  throw ReplyTypeError("expected a redis " + std::string(wanted) + " reply, got " + std::string(type_name()) + " " +
                       excerpt(debug_string()));
}

const char* to_string(Reply::Type type) {
  switch (type) {
    case Reply::Type::nil:
      return "nil";
    case Reply::Type::status:
      return "status";
    case Reply::Type::error:
      return "error";
    case Reply::Type::integer:
      return "integer";
    case Reply::Type::string:
      return "string";
    case Reply::Type::array:
      return "array";
  }
  return "unknown";
}

}  // namespace uitgo::redis
