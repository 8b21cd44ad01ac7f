// A Redis command as its RESP2 encoding, built when the caller makes it so
// that nothing the caller owns is referenced once the command is queued.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace uitgo::redis {

// One argument: text is referenced only until the Command that takes it has
// been built; numbers are formatted in place.
class Arg {
 public:
  Arg(std::string_view text) : text_(text) {}
  Arg(const std::string& text) : text_(text) {}
  Arg(const char* text) : text_(text) {}
  template <std::integral I>
  requires(!std::same_as<I, bool> && !std::same_as<I, char>) Arg(I value) {
    if constexpr (std::signed_integral<I>) {
      format(static_cast<std::int64_t>(value));
    } else {
      format(static_cast<std::uint64_t>(value));
    }
  }
  // Shortest text that reads back to the same double (coordinates, scores).
  Arg(double value);

  std::string_view view() const { return number_size_ ? std::string_view(number_, number_size_) : text_; }

 private:
  void format(std::int64_t value);
  void format(std::uint64_t value);

  std::string_view text_;
  char number_[32]{};
  unsigned char number_size_ = 0;
};

// Built from a braced list: `client.command({"SET", key, value, "EX", 60})`.
//
// The braced form goes through a variadic constructor, not an initializer_list,
// on purpose: GCC 12.2 cannot compile an initializer_list inside a co_await
// expression ("array used as initializer"). For the same reason a pipeline is
// best built in its own statement:
//   std::vector<redis::Command> batch{{"INCR", key}, {"EXPIRE", key, 60}};
//   auto replies = co_await client.pipeline(std::move(batch));
class Command {
 public:
  Command() = default;
  template <typename... Args>
  requires(sizeof...(Args) > 0 && (std::constructible_from<Arg, Args> && ...)) Command(Args&&... args) {
    (push(Arg(std::forward<Args>(args))), ...);
  }
  // From any range of string-like values, e.g. a std::vector<std::string> of keys.
  template <typename Range>
  requires requires(const Range& r) {
    std::begin(r);
    std::end(r);
  } &&(!std::convertible_to<const Range&, Arg>)explicit Command(const Range& args) {
    for (const auto& arg : args) push(arg);
  }

  Command& push(Arg arg);
  // Appends another command's arguments (EVALSHA sha n + keys + args).
  Command& append(const Command& other);

  std::size_t size() const { return argc_; }
  bool empty() const { return argc_ == 0; }

  // Appends the RESP2 multi-bulk encoding to `out`, so many commands can share one write buffer.
  void encode_to(std::string& out) const;
  std::string encode() const;

 private:
  std::string body_;  // "$<len>\r\n<bytes>\r\n" per argument; the "*<argc>" header is added on encode
  std::size_t argc_ = 0;
};

}  // namespace uitgo::redis
