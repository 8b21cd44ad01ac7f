#include "core/base/query_params.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "core/base/errors.hpp"

namespace uitgo {

std::optional<std::int64_t> query_integer(std::optional<std::string_view> text, std::string_view field) {
  if (!text || text->empty()) return std::nullopt;
  std::string_view s = *text;
  const bool negative = s.front() == '-';
  if (negative || s.front() == '+') s.remove_prefix(1);
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    throw DomainError::invalid(std::string(field), std::string(field) + " must be an integer");
  }
  std::int64_t v = 0;
  for (const char c : s) {
    if (v > (std::numeric_limits<std::int64_t>::max() - 9) / 10) break;  // far beyond any bound
    v = v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

PageQuery page_query(std::optional<std::string_view> limit, std::optional<std::string_view> offset, PageBounds bounds) {
  PageQuery page{.limit = bounds.default_limit, .offset = 0};
  if (const auto v = query_integer(limit, "limit")) {
    if (*v < 1) throw DomainError::invalid("limit", "limit must be at least 1");
    page.limit = static_cast<int>(std::min<std::int64_t>(*v, bounds.max_limit));
  }
  if (const auto v = query_integer(offset, "offset")) {
    if (*v < 0) throw DomainError::invalid("offset", "offset must not be negative");
    page.offset = std::min(*v, bounds.max_offset);
  }
  return page;
}

}  // namespace uitgo
