#include "core/base/geo.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace uitgo::geo {
namespace {

constexpr double kRadiansPerDegree = std::numbers::pi / 180.0;
constexpr double kDegreesPerRadian = 180.0 / std::numbers::pi;
// Widens the box a little so rounding can never cut off a point on its edge.
constexpr double kBoxMarginDegrees = 1e-7;

}  // namespace

bool valid(LatLng p) {
  return std::isfinite(p.lat) && std::isfinite(p.lng) && p.lat >= -90.0 && p.lat <= 90.0 && p.lng >= -180.0 &&
         p.lng <= 180.0;
}

std::optional<LatLng> place(std::optional<double> lat, std::optional<double> lng) {
  if (!lat || !lng) return std::nullopt;
  return LatLng{*lat, *lng};
}

double distance_meters(LatLng a, LatLng b, double earth_radius_meters) {
  const double lat1 = a.lat * kRadiansPerDegree;
  const double lat2 = b.lat * kRadiansPerDegree;
  const double u = std::sin((lat2 - lat1) / 2);
  const double v = std::sin((b.lng - a.lng) * kRadiansPerDegree / 2);
  const double h = std::min(1.0, u * u + std::cos(lat1) * std::cos(lat2) * v * v);
  return 2.0 * earth_radius_meters * std::asin(std::sqrt(h));
}

Box bounding_box(LatLng center, double radius_meters, double earth_radius_meters) {
  const double angular = radius_meters / earth_radius_meters;  // radians
  const double dlat = angular * kDegreesPerRadian + kBoxMarginDegrees;
  Box box{.min_lat = std::max(-90.0, center.lat - dlat),
          .max_lat = std::min(90.0, center.lat + dlat),
          .min_lng = -180.0,
          .max_lng = 180.0};
  if (box.min_lat <= -90.0 || box.max_lat >= 90.0 || angular >= std::numbers::pi / 2) return box;
  // The widest longitude offset of the circle (it lies a bit poleward of the centre).
  const double s = std::sin(angular) / std::cos(center.lat * kRadiansPerDegree);
  if (s >= 1.0) return box;
  const double dlng = std::asin(s) * kDegreesPerRadian + kBoxMarginDegrees;
  if (center.lng - dlng < -180.0 || center.lng + dlng > 180.0) return box;  // crosses the antimeridian
  box.min_lng = center.lng - dlng;
  box.max_lng = center.lng + dlng;
  return box;
}

}  // namespace uitgo::geo
