#include "user/home/payloads.hpp"

#include "core/base/json_value.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>

#include <algorithm>
#include <cctype>

#include "core/base/errors.hpp"
#include "core/base/json_body.hpp"

namespace uitgo::user::home {
namespace {

constexpr json::StringRule kTitle{.min_length = 1, .max_length = 200};
constexpr json::StringRule kLongText{.min_length = 0, .max_length = 5000, .multiline = true};
constexpr json::StringRule kBody{.min_length = 1, .max_length = 5000, .multiline = true};
constexpr json::StringRule kCode{.min_length = 1, .max_length = 50};
constexpr json::StringRule kUrl{.min_length = 1, .max_length = 2048};
constexpr json::StringRule kTimestamp{.min_length = 1, .max_length = 64};
constexpr json::StringRule kColor{.min_length = 7, .max_length = 9};
constexpr json::StringRule kCategory{.min_length = 1, .max_length = 50};
constexpr json::StringRule kIcon{.min_length = 1, .max_length = 50};

[[noreturn]] void invalid(std::string_view field, std::string_view problem) {
  throw DomainError::invalid(std::string(field), std::string(field) + " " + std::string(problem));
}

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

std::string checked_title(std::string title) {
  if (is_blank(title)) invalid("title", "must not be blank");
  return title;
}

std::string checked_code(std::string code) {
  // Typed by riders: no spaces or control characters (printable UTF-8 is fine).
  if (std::any_of(code.begin(), code.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7F; })) {
    invalid("code", "must not contain spaces or control characters");
  }
  return code;
}

std::string checked_url(std::string_view field, std::string url) {
  if (!is_http_url(url)) invalid(field, "must be an absolute http(s) URL");
  return url;
}

std::string checked_timestamp(std::string_view field, std::string text) {
  if (!is_rfc3339_timestamp(text)) invalid(field, "must be an RFC 3339 timestamp, e.g. 2030-01-31T23:59:59Z");
  return text;
}

std::string checked_color(std::string_view field, std::string color) {
  if (!is_hex_color(color)) invalid(field, "must be a colour like #667EEA or #FF667EEA");
  return color;
}

std::optional<std::string> optional_color(const json::Fields& f, std::string_view name) {
  auto v = f.optional_string(name, kColor);
  if (v) return checked_color(name, std::move(*v));
  return std::nullopt;
}

std::optional<int> optional_priority(const json::Fields& f) {
  const auto v = f.optional_int("priority", kMinPriority, kMaxPriority);
  if (v) return static_cast<int>(*v);
  return std::nullopt;
}

// isActive is the original apps' name, active ours: either one (not two that disagree).
std::optional<bool> optional_active(const json::Fields& f) {
  const auto active = f.optional_bool("active");
  const auto is_active = f.optional_bool("isActive");
  if (active && is_active && *active != *is_active) invalid("isActive", "contradicts active");
  return is_active ? is_active : active;
}

std::optional<std::string> optional_category(const json::Fields& f) {
  auto v = f.optional_string("category", kCategory);
  if (v && is_blank(*v)) invalid("category", "must not be blank");
  return v;
}

std::optional<std::string> optional_icon(const json::Fields& f) {
  auto v = f.optional_string("icon", kIcon);
  if (v && !std::all_of(v->begin(), v->end(),
                        [](unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; })) {
    invalid("icon", "must be an icon name of a-z, 0-9 and _ (e.g. news, two_wheeler)");
  }
  return v;
}

std::optional<std::string> optional_url(const json::Fields& f, std::string_view name) {
  auto v = f.optional_string(name, kUrl);
  if (v) return checked_url(name, std::move(*v));
  return std::nullopt;
}

std::optional<std::string> optional_timestamp(const json::Fields& f, std::string_view name) {
  auto v = f.optional_string(name, kTimestamp);
  if (v) return checked_timestamp(name, std::move(*v));
  return std::nullopt;
}

// PATCH of a nullable column: absent → keep (outer nullopt), null → clear
// (inner nullopt), otherwise the validated value.
template <typename Check>
std::optional<std::optional<std::string>> nullable_change(const boost::json::object& o, const json::Fields& f,
                                                          std::string_view name, Check check) {
  const auto* v = o.if_contains(name);
  if (v == nullptr) return std::nullopt;
  if (v->is_null()) return std::make_optional(std::optional<std::string>{});
  return std::make_optional(std::make_optional(check(f)));
}

int digits(std::string_view s, std::size_t pos, std::size_t n) {
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return -1;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

bool is_rfc3339_timestamp(std::string_view s) {
  // YYYY-MM-DD(T|t)HH:MM:SS[.fraction](Z|z|(+|-)HH:MM)
  if (s.size() < 20) return false;
  const int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  const int hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
  if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':') return false;
  // Years before 1900 are surely typos, and they keep Postgres's output free of BC dates.
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return false;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return false;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    const std::size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start || i - start > 9) return false;
  }
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) return i + 1 == s.size();
  if (i + 6 != s.size() || (s[i] != '+' && s[i] != '-') || s[i + 3] != ':') return false;
  const int off_hour = digits(s, i + 1, 2), off_minute = digits(s, i + 4, 2);
  return off_hour >= 0 && off_hour <= 23 && off_minute >= 0 && off_minute <= 59;
}

bool is_hex_color(std::string_view s) {
  if ((s.size() != 7 && s.size() != 9) || s.front() != '#') return false;
  return std::all_of(s.begin() + 1, s.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

bool is_http_url(std::string_view text) {
  const auto url = boost::urls::parse_absolute_uri(text);
  if (!url) return false;
  const auto scheme = url->scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) return false;
  return url->has_authority() && !url->encoded_host().empty();
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

PromotionDraft parse_promotion_draft(std::string_view body) {
  const auto object = json::parse_object(body);
  const json::Fields f(object);
  PromotionDraft d;
  d.title = checked_title(f.required_string("title", kTitle));
  d.description = f.optional_string("description", kLongText).value_or("");
  d.code = checked_code(f.required_string("code", kCode));
  d.image_url = optional_url(f, "imageUrl");
  if (auto v = optional_color(f, "gradientStart")) d.gradient_start = std::move(*v);
  if (auto v = optional_color(f, "gradientEnd")) d.gradient_end = std::move(*v);
  d.expires_at = optional_timestamp(f, "expiresAt");
  d.priority = optional_priority(f).value_or(0);
  d.active = optional_active(f).value_or(true);
  return d;
}

PromotionPatch parse_promotion_patch(std::string_view body) {
  const auto object = json::parse_object(body);
  const json::Fields f(object);
  PromotionPatch p;
  if (auto v = f.optional_string("title", kTitle)) p.title = checked_title(std::move(*v));
  p.description = f.optional_string("description", kLongText);
  if (auto v = f.optional_string("code", kCode)) p.code = checked_code(std::move(*v));
  p.image_url = nullable_change(object, f, "imageUrl", [](const json::Fields& fields) {
    return checked_url("imageUrl", fields.required_string("imageUrl", kUrl));
  });
  p.expires_at = nullable_change(object, f, "expiresAt", [](const json::Fields& fields) {
    return checked_timestamp("expiresAt", fields.required_string("expiresAt", kTimestamp));
  });
  p.gradient_start = optional_color(f, "gradientStart");
  p.gradient_end = optional_color(f, "gradientEnd");
  p.priority = optional_priority(f);
  p.active = optional_active(f);
  return p;
}

NewsDraft parse_news_draft(std::string_view body) {
  const auto object = json::parse_object(body);
  const json::Fields f(object);
  NewsDraft d;
  d.title = checked_title(f.required_string("title", kTitle));
  d.body = f.required_string("body", kBody);
  if (auto v = optional_category(f)) d.category = std::move(*v);
  if (auto v = optional_icon(f)) d.icon = std::move(*v);
  d.image_url = optional_url(f, "imageUrl");
  d.published_at = optional_timestamp(f, "publishedAt");
  return d;
}

NewsPatch parse_news_patch(std::string_view body) {
  const auto object = json::parse_object(body);
  const json::Fields f(object);
  NewsPatch p;
  if (auto v = f.optional_string("title", kTitle)) p.title = checked_title(std::move(*v));
  p.body = f.optional_string("body", kBody);
  p.category = optional_category(f);
  p.icon = optional_icon(f);
  p.image_url = nullable_change(object, f, "imageUrl", [](const json::Fields& fields) {
    return checked_url("imageUrl", fields.required_string("imageUrl", kUrl));
  });
  p.published_at = optional_timestamp(f, "publishedAt");
  return p;
}

int parse_news_limit(std::optional<std::string_view> raw) {
  if (!raw) return kNewsDefaultLimit;
  std::string_view s = *raw;
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    invalid("limit", "must be a positive integer");
  }
  while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
  if (s.size() > 4) return kNewsMaxLimit;  // any number this long is above the maximum
  const int value = digits(s, 0, s.size());
  if (value < 1) invalid("limit", "must be a positive integer");
  return std::min(value, kNewsMaxLimit);
}

std::string parse_id(std::string_view raw) {
  if (!is_uuid(raw)) invalid("id", "must be a UUID");
  std::string id(raw);
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::tolower(c); });
  return id;
}

boost::json::object public_json(const Promotion& p) {
  return {{"id", p.id},
          {"title", p.title},
          {"description", p.description},
          {"code", p.code},
          {"imageUrl", json::nullable(p.image_url)},
          {"gradientStart", p.gradient_start},
          {"gradientEnd", p.gradient_end},
          {"expiresAt", json::nullable(p.expires_at)},
          {"priority", p.priority},
          {"isActive", p.active}};
}

boost::json::object admin_json(const Promotion& p) {
  auto o = public_json(p);
  o["active"] = p.active;  // the name this API used before isActive
  o["createdAt"] = p.created_at;
  o["updatedAt"] = p.updated_at;
  return o;
}

boost::json::object public_json(const NewsItem& n) {
  return {{"id", n.id},
          {"title", n.title},
          {"body", n.body},
          {"category", n.category},
          {"icon", n.icon},
          {"imageUrl", json::nullable(n.image_url)},
          {"publishedAt", n.published_at}};
}

boost::json::object admin_json(const NewsItem& n) {
  auto o = public_json(n);
  o["createdAt"] = n.created_at;
  o["updatedAt"] = n.updated_at;
  return o;
}

}  // namespace uitgo::user::home
