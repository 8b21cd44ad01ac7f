#include "driver/search/search_query.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

#include "core/base/errors.hpp"

namespace uitgo::driver {
namespace {

double required_coordinate(std::optional<std::string_view> raw, const char* name, double bound) {
  if (!raw) throw DomainError::invalid(name, std::string(name) + " is required");
  const auto value = parse_decimal(*raw);
  if (!value) throw DomainError::invalid(name, std::string(name) + " must be a number");
  if (*value < -bound || *value > bound) {
    throw DomainError::invalid(name, std::string(name) + " must be between " +
                                         std::to_string(-static_cast<int>(bound)) + " and " +
                                         std::to_string(static_cast<int>(bound)));
  }
  return *value;
}

double parse_radius(std::optional<std::string_view> raw) {
  if (!raw) return kDefaultRadiusMeters;
  const auto value = parse_decimal(*raw);
  if (!value) throw DomainError::invalid("radius", "radius must be a number of metres");
  if (*value <= 0) throw DomainError::invalid("radius", "radius must be greater than 0");
  return std::min(*value, kMaxRadiusMeters);
}

int parse_limit(std::optional<std::string_view> raw) {
  if (!raw) return kDefaultLimit;
  const auto text = *raw;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool whole = end == text.data() + text.size() && !text.empty();
  if (ec == std::errc::result_out_of_range && whole && text.front() != '-') return kMaxLimit;  // huge: clamp
  if (ec != std::errc() || !whole) throw DomainError::invalid("limit", "limit must be an integer");
  if (value <= 0) throw DomainError::invalid("limit", "limit must be greater than 0");
  return static_cast<int>(std::min<std::int64_t>(value, kMaxLimit));
}

}  // namespace

std::optional<double> parse_decimal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

SearchQuery parse_search_query(std::optional<std::string_view> lat, std::optional<std::string_view> lng,
                               std::optional<std::string_view> radius, std::optional<std::string_view> limit) {
  SearchQuery q;
  q.lat = required_coordinate(lat, "lat", 90);
  q.lng = required_coordinate(lng, "lng", 180);
  q.radius_meters = parse_radius(radius);
  q.limit = parse_limit(limit);
  return q;
}

}  // namespace uitgo::driver
