// A parsed RESP2 reply as a plain value, so results can outlive the connection
// that produced them and be moved between threads freely.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace uitgo::redis {

// Redis answered with an error reply (WRONGTYPE, NOSCRIPT, ERR ...). The
// connection is fine; the command was wrong for the data it met.
class CommandError : public std::runtime_error {
 public:
  explicit CommandError(const std::string& message) : std::runtime_error(message) {}
  // The error's first word, which Redis uses as its code: "WRONGTYPE", "NOSCRIPT", "ERR".
  std::string_view code() const;
};

// The reply does not have the shape the caller asked for (as_int() on an array...).
// Usually a programming error, or data written by someone else.
class ReplyTypeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Reply {
 public:
  enum class Type { nil, status, error, integer, string, array };

  Reply() = default;  // nil
  static Reply status(std::string text);
  static Reply error(std::string message);
  static Reply integer(std::int64_t value);
  static Reply string(std::string bytes);
  static Reply array(std::vector<Reply> elements);

  Type type() const { return type_; }
  bool is_nil() const { return type_ == Type::nil; }
  bool is_status() const { return type_ == Type::status; }
  bool is_error() const { return type_ == Type::error; }
  bool is_integer() const { return type_ == Type::integer; }
  bool is_string() const { return type_ == Type::string; }
  bool is_array() const { return type_ == Type::array; }

  // Throwing accessors. Every one of them throws CommandError when the reply is
  // an error reply, so `reply.as_int()` never silently reads a failure.
  //
  // Bulk or status text.
  const std::string& as_string() const;
  // nullopt for nil (GET of a missing key), otherwise as_string().
  std::optional<std::string> as_optional_string() const;
  // An integer reply, or a bulk string holding a base-10 integer (GET of a counter).
  std::int64_t as_int() const;
  // A bulk string holding a number (GEOSEARCH WITHDIST, ZSCORE, INCRBYFLOAT), or an integer.
  double as_double() const;
  // Elements of an array reply; a nil array (BLPOP timeout) reads as empty.
  const std::vector<Reply>& as_array() const;
  std::vector<Reply>& as_array();

  // The message of an error reply; throws ReplyTypeError for any other type.
  const std::string& error_message() const;
  // Throws CommandError if this is an error reply; otherwise does nothing.
  void throw_if_error() const;

  // For logs and test failure messages: `"OK"`, `(error) ERR x`, `[1, "a", nil]`.
  std::string debug_string() const;

  friend bool operator==(const Reply& a, const Reply& b);

 private:
  friend class ReplyReader;  // builds nested arrays in place while parsing

  std::string_view type_name() const;
  [[noreturn]] void fail_type(std::string_view wanted) const;

  Type type_ = Type::nil;
  std::int64_t integer_ = 0;
  std::string text_;  // status, error or bulk bytes
  std::vector<Reply> elements_;
};

const char* to_string(Reply::Type type);

}  // namespace uitgo::redis
