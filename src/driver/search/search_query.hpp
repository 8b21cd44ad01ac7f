// GET /v1/drivers/search query parameters, parsed strictly: query values are
// text, and "abc", "", "1e999", "nan" or "10abc" are 400 validation_failed
// naming the parameter rather than a silently wrong search.
//
//   lat, lng  required, finite, lat in [-90, 90], lng in [-180, 180]
//   radius    metres, default 3000; <= 0 → 400; above 20000 → 20000 (clamped)
//   limit     integer, default 10; <= 0 → 400; above 50 → 50 (clamped)
#pragma once

#include <optional>
#include <string_view>

namespace uitgo::driver {

inline constexpr double kDefaultRadiusMeters = 3000;
inline constexpr double kMaxRadiusMeters = 20000;
inline constexpr int kDefaultLimit = 10;
inline constexpr int kMaxLimit = 50;

struct SearchQuery {
  double lat = 0;
  double lng = 0;
  double radius_meters = kDefaultRadiusMeters;
  int limit = kDefaultLimit;
};

// Each argument is the raw value of that parameter, nullopt when absent.
// Throws DomainError (invalid) with the parameter as the field.
SearchQuery parse_search_query(std::optional<std::string_view> lat, std::optional<std::string_view> lng,
                               std::optional<std::string_view> radius, std::optional<std::string_view> limit);

// A finite decimal number written in full (from_chars syntax: no leading '+'
// or spaces, no hex); nullopt otherwise.
std::optional<double> parse_decimal(std::string_view text);

}  // namespace uitgo::driver
