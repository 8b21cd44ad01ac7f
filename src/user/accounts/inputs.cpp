#include "user/accounts/inputs.hpp"

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
  if (!ok) throw DomainError::invalid("phone", "phone may contain only digits, spaces and + - ( )");
  return phone;
}

std::string trimmed(std::string_view s, std::string_view field, const json::Fields& f) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    throw DomainError::invalid(f.qualified(field), std::string(field) + " must not be blank");
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
    throw DomainError::invalid(std::string(field), std::string(field) + " is not a valid email address");
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

RefreshRequest RefreshRequest::from_json(const json::Fields& f) { return {f.required_string("refreshToken", kToken)}; }

ProfileUpdate ProfileUpdate::from_json(const json::Fields& f) {
  ProfileUpdate u;
  if (auto name = f.optional_string("name", kName)) u.name = trimmed(*name, "name", f);
  u.phone = checked_phone(f);
  if (!u.name && !u.phone) throw DomainError::invalid("name", "nothing to update: give name and/or phone");
  return u;
}

DisableRequest DisableRequest::from_json(const json::Fields& f) {
  const auto v = f.optional_bool("disabled");
  if (!v) throw DomainError::invalid("disabled", "disabled is required");
  return {*v};
}

DriverSignup DriverSignup::from_body(std::string_view body) {
  const auto object = json::parse_object(body);
  const json::Fields f(object);
  DriverSignup s{.account = RegisterRequest::from_json(f), .profile = {}};
  if (!s.account.phone) throw DomainError::invalid("phone", "phone is required for drivers");
  s.profile["licenseNumber"] = f.required_string("licenseNumber", {.min_length = 1, .max_length = 50});
  if (auto url = f.optional_string("avatarUrl", {.min_length = 1, .max_length = 2048})) s.profile["avatarUrl"] = *url;
  // Optional, as the driver app sends it (absent when its form has no vehicle).
  if (f.optional_object("vehicle")) s.profile["vehicle"] = object.at("vehicle");
  return s;
}

}  // namespace uitgo::user
