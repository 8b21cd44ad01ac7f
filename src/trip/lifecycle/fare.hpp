// The fare estimate shown when a trip is requested. Pure.
//
//   distance  = great-circle (haversine) distance pickup → drop-off, in km,
//               on a sphere of radius 6371.0088 km (the mean Earth radius,
//               geo::kMeanEarthRadiusMeters)
//   fare      = (kBaseFareVnd + kPerKmVnd × distance) × multiplier(serviceId)
//   estimate  = fare rounded to the nearest 1,000 VND (halves round up),
//               never below kMinimumFareVnd
//   multiplier: bike 0.6, car 1.0, car7 1.3; any other serviceId 1.0
//
// Example: car, 5.0 km → (10,000 + 8,000 × 5) × 1.0 = 50,000 VND.
// No estimate (null) when any of the four coordinates is missing.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace uitgo::trip {

inline constexpr std::int64_t kBaseFareVnd = 10'000;
inline constexpr std::int64_t kPerKmVnd = 8'000;
inline constexpr std::int64_t kMinimumFareVnd = 10'000;

double service_multiplier(std::string_view service_id);
// Nearest multiple of 1,000; halves round up.
std::int64_t round_to_thousand(double vnd);

// What a completed trip costs: its estimate, or kMinimumFareVnd when it has
// none (a trip requested without coordinates).
inline std::int64_t settled_fare(std::optional<std::int64_t> estimate) { return estimate.value_or(kMinimumFareVnd); }

std::optional<std::int64_t> estimate_fare(std::string_view service_id, std::optional<double> origin_lat,
                                          std::optional<double> origin_lng, std::optional<double> dest_lat,
                                          std::optional<double> dest_lng);

}  // namespace uitgo::trip
