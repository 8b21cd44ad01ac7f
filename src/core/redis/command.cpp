#include "core/redis/command.hpp"

#include <charconv>

namespace uitgo::redis {

Arg::Arg(double value) {
  auto result = std::to_chars(number_, number_ + sizeof(number_), value);
  number_size_ = static_cast<unsigned char>(result.ptr - number_);
}

void Arg::format(std::int64_t value) {
  auto result = std::to_chars(number_, number_ + sizeof(number_), value);
  number_size_ = static_cast<unsigned char>(result.ptr - number_);
}

void Arg::format(std::uint64_t value) {
  auto result = std::to_chars(number_, number_ + sizeof(number_), value);
  number_size_ = static_cast<unsigned char>(result.ptr - number_);
}

namespace {

void append_number(std::string& out, std::size_t value) {
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof(digits), value);
  out.append(digits, result.ptr);
}

}  // namespace

Command& Command::push(Arg arg) {
  std::string_view bytes = arg.view();
  body_ += '$';
  append_number(body_, bytes.size());
  body_ += "\r\n";
  body_ += bytes;
  body_ += "\r\n";
  ++argc_;
  return *this;
}

Command& Command::append(const Command& other) {
  body_ += other.body_;
  argc_ += other.argc_;
  return *this;
}

void Command::encode_to(std::string& out) const {
  out += '*';
  append_number(out, argc_);
  out += "\r\n";
  out += body_;
}

std::string Command::encode() const {
  std::string out;
  out.reserve(body_.size() + 16);
  encode_to(out);
  return out;
}

}  // namespace uitgo::redis
