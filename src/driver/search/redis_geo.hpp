// How Redis GEO measures, so that both search modes measure alike: its Earth
// radius, its latitude limits and precision, and the radii an expanding
// search tries. The SQL baseline uses the same figures, so GEO and SQL
// results are identical.
#pragma once

#include <vector>

#include "core/base/geo.hpp"

namespace uitgo::driver::redis_geo {

// Redis computes GEO distances on a sphere of this radius (geohash_helper.c).
inline constexpr double kEarthRadiusMeters = 6372797.560856;
// Redis GEO indexes only latitudes within the Web Mercator limits.
inline constexpr double kMaxIndexedLatitude = 85.05112878;
// Upper bound of the error Redis's 52-bit geohash adds to a stored position
// (half the diagonal of a cell is about 0.33 m); searches widen by this much
// and re-rank on exact positions.
inline constexpr double kIndexErrorMeters = 1.0;

// Great-circle distance in metres, as Redis computes it.
inline double distance_meters(geo::LatLng a, geo::LatLng b) { return geo::distance_meters(a, b, kEarthRadiusMeters); }

inline geo::Box bounding_box(geo::LatLng center, double radius_meters) {
  return geo::bounding_box(center, radius_meters, kEarthRadiusMeters);
}

// The radii an expanding search tries, nearest first: 500 m, 1 km, 2 km, 5 km,
// 10 km, 20 km, each kept only when below `radius_meters`, then `radius_meters`
// itself (always last, so the requested area is always covered).
std::vector<double> radius_steps(double radius_meters);

}  // namespace uitgo::driver::redis_geo
