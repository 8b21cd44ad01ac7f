#include "driver/geo.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace uitgo::driver::geo {
namespace {

constexpr double kRadiansPerDegree = std::numbers::pi / 180.0;
constexpr double kDegreesPerRadian = 180.0 / std::numbers::pi;
// Widens the box a little so rounding can never cut off a point on its edge.
constexpr double kBoxMarginDegrees = 1e-7;

}  // namespace

double distance_meters(Point a, Point b) {
  const double lat1 = a.lat * kRadiansPerDegree;
  const double lat2 = b.lat * kRadiansPerDegree;
  const double u = std::sin((lat2 - lat1) / 2);
  const double v = std::sin((b.lng - a.lng) * kRadiansPerDegree / 2);
  const double h = std::min(1.0, u * u + std::cos(lat1) * std::cos(lat2) * v * v);
  return 2.0 * kEarthRadiusMeters * std::asin(std::sqrt(h));
}

Box bounding_box(Point center, double radius_meters) {
  const double angular = radius_meters / kEarthRadiusMeters;  // radians
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

std::vector<double> radius_steps(double radius_meters) {
  static constexpr double kSteps[] = {500, 1000, 2000, 5000, 10000, 20000};
  std::vector<double> steps;
  for (const double step : kSteps) {
    if (step < radius_meters) steps.push_back(step);
  }
  steps.push_back(radius_meters);
  return steps;
}

}  // namespace uitgo::driver::geo
