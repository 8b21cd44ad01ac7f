// Points on the globe and the distances between them: one haversine for the
// whole code base (the fare, both driver searches, the matcher).
#pragma once

#include <optional>

namespace uitgo::geo {

// The mean Earth radius (IUGG), used where no other system's figure matters.
inline constexpr double kMeanEarthRadiusMeters = 6371008.8;

struct LatLng {
  double lat = 0;
  double lng = 0;
  friend bool operator==(const LatLng&, const LatLng&) = default;
};

// Finite, lat in [-90, 90], lng in [-180, 180].
bool valid(LatLng point);

// A place given as two optional coordinates: a point only when both are set.
std::optional<LatLng> place(std::optional<double> lat, std::optional<double> lng);

// Great-circle (haversine) distance in metres on a sphere of `earth_radius_meters`.
double distance_meters(LatLng a, LatLng b, double earth_radius_meters = kMeanEarthRadiusMeters);

// A latitude/longitude box containing every point within `radius` metres of
// `center` (on a sphere of `earth_radius_meters`). Near a pole, or when the
// circle crosses the antimeridian, the box spans all longitudes (a prefilter
// only: the exact distance decides).
struct Box {
  double min_lat = 0;
  double max_lat = 0;
  double min_lng = 0;
  double max_lng = 0;
};
Box bounding_box(LatLng center, double radius_meters, double earth_radius_meters = kMeanEarthRadiusMeters);

}  // namespace uitgo::geo
