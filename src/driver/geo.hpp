// Distances and areas on the globe, shared by both search modes so that they
// measure alike: the same formula and the same Earth radius as Redis GEO.
#pragma once

#include <vector>

namespace uitgo::driver::geo {

// Redis computes GEO distances on a sphere of this radius (geohash_helper.c);
// using it here too keeps GEO and SQL results identical.
inline constexpr double kEarthRadiusMeters = 6372797.560856;
// Redis GEO indexes only latitudes within the Web Mercator limits.
inline constexpr double kMaxIndexedLatitude = 85.05112878;
// Upper bound of the error Redis's 52-bit geohash adds to a stored position
// (half the diagonal of a cell is about 0.33 m); searches widen by this much
// and re-rank on exact positions.
inline constexpr double kIndexErrorMeters = 1.0;

struct Point {
  double lat = 0;
  double lng = 0;
};

// Great-circle (haversine) distance in metres.
double distance_meters(Point a, Point b);

// A latitude/longitude box containing every point within `radius` metres of
// `center`. Near a pole, or when the circle crosses the antimeridian, the box
// spans all longitudes (a prefilter only: the exact distance decides).
struct Box {
  double min_lat = 0;
  double max_lat = 0;
  double min_lng = 0;
  double max_lng = 0;
};
Box bounding_box(Point center, double radius_meters);

// The radii an expanding search tries, nearest first: 500 m, 1 km, 2 km, 5 km,
// 10 km, 20 km, each kept only when below `radius_meters`, then `radius_meters`
// itself (always last, so the requested area is always covered).
std::vector<double> radius_steps(double radius_meters);

}  // namespace uitgo::driver::geo
