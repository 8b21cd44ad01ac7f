#include "trip/lifecycle/fare.hpp"

#include "core/base/geo.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace uitgo::trip {

double service_multiplier(std::string_view service_id) {
  if (service_id == "bike") return 0.6;
  if (service_id == "car7") return 1.3;
  return 1.0;  // car and anything else
}

std::int64_t round_to_thousand(double vnd) { return static_cast<std::int64_t>(std::floor(vnd / 1000.0 + 0.5)) * 1000; }

std::optional<std::int64_t> estimate_fare(std::string_view service_id, std::optional<double> origin_lat,
                                          std::optional<double> origin_lng, std::optional<double> dest_lat,
                                          std::optional<double> dest_lng) {
  if (!origin_lat || !origin_lng || !dest_lat || !dest_lng) return std::nullopt;
  const double km = geo::distance_meters({*origin_lat, *origin_lng}, {*dest_lat, *dest_lng}) / 1000.0;
  const double fare =
      (static_cast<double>(kBaseFareVnd) + static_cast<double>(kPerKmVnd) * km) * service_multiplier(service_id);
  return std::max(kMinimumFareVnd, round_to_thousand(fare));
}

}  // namespace uitgo::trip
