// Integers from a query string (?limit=20&offset=40), the one way: a
// malformed value is a 400 naming the parameter, never a crash or a default.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace uitgo {

// Absent or empty → nullopt; digits with an optional sign → the value
// (beyond 64 bits it stops growing: callers clamp); anything else → 400
// "<field> must be an integer".
std::optional<std::int64_t> query_integer(std::optional<std::string_view> text, std::string_view field);

struct PageBounds {
  int default_limit = 20;
  int max_limit = 100;
  std::int64_t max_offset = 10'000;
};

struct PageQuery {
  int limit = 20;
  std::int64_t offset = 0;
};

// ?limit: default, above the maximum → the maximum, < 1 → 400; ?offset:
// default 0, < 0 → 400, above the maximum → the maximum.
PageQuery page_query(std::optional<std::string_view> limit, std::optional<std::string_view> offset, PageBounds bounds);

}  // namespace uitgo
