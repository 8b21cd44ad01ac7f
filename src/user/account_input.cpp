#include "user/account_input.hpp"

#include <algorithm>
#include <cctype>

namespace uitgo::user {
namespace {

constexpr json::StringRule kName{.min_length = 1, .max_length = 100};
constexpr json::StringRule kPassword{.min_length = 8, .max_length = 128};
constexpr json::StringRule kEmail{.min_length = 3, .max_length = 254};
constexpr json::StringRule kPhone{.min_length = 6, .max_length = 20};
constexpr json::StringRule kToken{.min_length = 1, .max_length = 256};

std::optional<std::string> checked_phone(const json::Fields& f) {
  auto phone = f.optional_string("phone", kPhone);
  if (!phone) return phone;
  const bool ok = std::all_of(phone->begin(), phone->end(), [](unsigned char c) {
    return std::isdigit(c) || c == '+' || c == ' ' || c == '-' || c == '(' || c == ')';
  });
  if (!ok) throw HttpError::validation("phone", "phone may contain only digits, spaces and + - ( )");
  return phone;
}

std::string trimmed(std::string_view s, std::string_view field, const json::Fields& f) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) throw HttpError::validation(f.qualified(field), std::string(field) + " must not be blank");
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

}  // namespace

std::string normalize_email(std::string_view email) {
  const auto first = email.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = email.find_last_not_of(" \t\r\n");
  std::string out(email.substr(first, last - first + 1));
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

void check_email(const std::string& email, std::string_view field) {
  const auto at = email.find('@');
  const bool one_at = at != std::string::npos && email.find('@', at + 1) == std::string::npos;
  const bool shape = one_at && at > 0 && at <= 64 && at + 1 < email.size();
  const std::string_view domain = shape ? std::string_view(email).substr(at + 1) : std::string_view{};
  const bool dotted = domain.find('.') != std::string_view::npos && domain.front() != '.' && domain.back() != '.' &&
                      domain.find("..") == std::string_view::npos;
  const bool clean = std::none_of(email.begin(), email.end(),
                                  [](unsigned char c) { return c <= ' ' || c == 0x7f || c == '"' || c == ','; });
  if (!(shape && dotted && clean)) {
    throw HttpError::validation(std::string(field), std::string(field) + " is not a valid email address");
  }
}

RegisterRequest RegisterRequest::from_json(const json::Fields& f) {
  RegisterRequest r;
  r.name = trimmed(f.required_string("name", kName), "name", f);
  r.email = normalize_email(f.required_string("email", kEmail));
  check_email(r.email);
  r.phone = checked_phone(f);
  r.password = f.required_string("password", kPassword);
  return r;
}

LoginRequest LoginRequest::from_json(const json::Fields& f) {
  // No format checks beyond presence: a login must not reveal which rule an
  // account's email would break; wrong input simply fails to authenticate.
  return {normalize_email(f.required_string("email", kEmail)),
          f.required_string("password", {.min_length = 1, .max_length = 128})};
}

RefreshRequest RefreshRequest::from_json(const json::Fields& f) {
  return {f.required_string("refreshToken", kToken)};
}

ProfileUpdate ProfileUpdate::from_json(const json::Fields& f) {
  ProfileUpdate u;
  if (auto name = f.optional_string("name", kName)) u.name = trimmed(*name, "name", f);
  u.phone = checked_phone(f);
  if (!u.name && !u.phone) throw HttpError::validation("name", "nothing to update: give name and/or phone");
  return u;
}

}  // namespace uitgo::user
