#include "user/accounts/inputs.hpp"

#include <algorithm>
#include <cctype>

#include "core/base/query_params.hpp"

namespace uitgo::user {
namespace {

constexpr json::StringRule kName{.min_length = 1, .max_length = 100};
// Passwords are secrets typed as they are: tab and line breaks stay allowed (an
// account may have one), other control characters are refused.
constexpr json::StringRule kPassword{.min_length = 8, .max_length = 128, .multiline = true};
constexpr json::StringRule kGivenPassword{.min_length = 1, .max_length = 128, .multiline = true};
constexpr json::StringRule kEmail{.min_length = 3, .max_length = 254};
constexpr json::StringRule kPhone{.min_length = 6, .max_length = 20};
constexpr json::StringRule kToken{.min_length = 1, .max_length = 256};

bool blank_string(const json::Fields& f, std::string_view field) {
  const auto text = f.optional_string(field, {.min_length = 0, .max_length = 1000});
  return text && text->find_first_not_of(" \t\r\n") == std::string::npos;
}

// An empty (or blank) phone means none: the apps send "" for an empty field.
std::optional<std::string> checked_phone(const json::Fields& f) {
  if (blank_string(f, "phone")) return std::nullopt;
  auto phone = f.optional_string("phone", kPhone);
  if (!phone) return phone;
  const bool ok = std::all_of(phone->begin(), phone->end(), [](unsigned char c) {
    return std::isdigit(c) || c == '+' || c == ' ' || c == '-' || c == '(' || c == ')';
  });
  if (!ok) throw DomainError::invalid("phone", "phone may contain only digits, spaces and + - ( )");
  return phone;
}

bool is_role(std::string_view role) { return role == "rider" || role == "driver" || role == "admin"; }

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
  return {normalize_email(f.required_string("email", kEmail)), f.required_string("password", kGivenPassword)};
}

RefreshRequest RefreshRequest::from_json(const json::Fields& f) { return {f.required_string("refreshToken", kToken)}; }

ProfileUpdate ProfileUpdate::from_json(const json::Fields& f) {
  ProfileUpdate u;
  if (auto name = f.optional_string("name", kName)) u.name = trimmed(*name, "name", f);
  u.phone = checked_phone(f);
  u.clear_phone = blank_string(f, "phone");
  if (!u.name && !u.phone && !u.clear_phone) {
    throw DomainError::invalid("name", "nothing to update: give name and/or phone");
  }
  return u;
}

AdminUserChange AdminUserChange::from_json(const json::Fields& f) {
  AdminUserChange c;
  if (const auto role = f.optional_string("role", {.min_length = 1, .max_length = 32})) {
    c.role = normalize_email(*role);  // trimmed and lower-cased, like an email
    if (!is_role(*c.role)) throw DomainError::invalid("role", "role must be rider, driver or admin");
  }
  c.disabled = f.optional_bool("disabled");
  if (!c.role && !c.disabled) throw DomainError::invalid("role", "nothing to update: give role and/or disabled");
  return c;
}

AdminUserQuery AdminUserQuery::parse(std::optional<std::string_view> role, std::optional<std::string_view> disabled,
                                     std::optional<std::string_view> q, std::optional<std::string_view> limit,
                                     std::optional<std::string_view> offset) {
  AdminUserQuery out;
  if (role && !role->empty()) {
    out.role = normalize_email(*role);
    if (!is_role(*out.role)) throw DomainError::invalid("role", "role must be rider, driver or admin");
  }
  if (disabled && !disabled->empty()) {
    const auto v = normalize_email(*disabled);
    if (v == "true" || v == "1" || v == "yes") {
      out.disabled = true;
    } else if (v == "false" || v == "0" || v == "no") {
      out.disabled = false;
    } else if (v != "all") {
      throw DomainError::invalid("disabled", "disabled must be true, false or all");
    }
  }
  if (q) {
    auto text = normalize_email(*q);
    if (text.size() > 254) throw DomainError::invalid("q", "q must be at most 254 characters");
    if (!text.empty()) out.q = std::move(text);
  }
  if (const auto v = query_integer(limit, "limit")) out.limit = static_cast<int>(std::clamp<std::int64_t>(*v, 1, 200));
  if (const auto v = query_integer(offset, "offset")) out.offset = std::clamp<std::int64_t>(*v, 0, 5000);
  return out;
}

ChangePasswordRequest ChangePasswordRequest::from_json(const json::Fields& f) {
  return {f.required_string("currentPassword", kGivenPassword), f.required_string("newPassword", kPassword)};
}

ForgotPasswordRequest ForgotPasswordRequest::from_json(const json::Fields& f) {
  return {normalize_email(f.required_string("email", kEmail))};
}

ResetPasswordRequest ResetPasswordRequest::from_json(const json::Fields& f) {
  return {f.required_string("token", kToken), f.required_string("newPassword", kPassword)};
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
