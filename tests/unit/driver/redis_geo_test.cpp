#include <gtest/gtest.h>

#include <cmath>

#include "driver/search/redis_geo.hpp"

namespace rg = uitgo::driver::redis_geo;
using Point = uitgo::geo::LatLng;

TEST(Geo, DistanceOfKnownPoints) {
  EXPECT_DOUBLE_EQ(rg::distance_meters({10.77, 106.70}, {10.77, 106.70}), 0.0);
  // One degree of latitude on Redis's sphere: R * pi / 180.
  EXPECT_NEAR(rg::distance_meters({10, 106}, {11, 106}), rg::kEarthRadiusMeters * M_PI / 180, 1e-6);
  // Ben Thanh market to Tan Son Nhat airport, about 6.4 km as the crow flies.
  const double d = rg::distance_meters({10.7725, 106.6980}, {10.8185, 106.6588});
  EXPECT_GT(d, 6000);
  EXPECT_LT(d, 7000);
  // Symmetric, and antipodes are half the circumference.
  EXPECT_DOUBLE_EQ(d, rg::distance_meters({10.8185, 106.6588}, {10.7725, 106.6980}));
  EXPECT_NEAR(rg::distance_meters({0, 0}, {0, 180}), rg::kEarthRadiusMeters * M_PI, 1e-3);
}

TEST(Geo, DistanceMatchesRedisForTheSamePoints) {
  // Redis 7 GEODIST of members added at (106.70, 10.77) and (106.70, 10.78)
  // reports 1112.2046 m; it measures between the stored (quantized, off by up
  // to ~0.3 m each) positions, so the exact distance agrees within a metre.
  EXPECT_NEAR(rg::distance_meters({10.77, 106.70}, {10.78, 106.70}), 1112.2046, 1.0);
}

TEST(Geo, BoundingBoxContainsTheCircle) {
  const Point c{10.77, 106.70};
  const double r = 3000;
  const auto box = rg::bounding_box(c, r);
  EXPECT_LT(box.min_lat, c.lat);
  EXPECT_GT(box.max_lat, c.lat);
  EXPECT_LT(box.min_lng, c.lng);
  EXPECT_GT(box.max_lng, c.lng);
  // Every point on the circle lies inside the box; the box is not much wider.
  for (int deg = 0; deg < 360; deg += 5) {
    const double bearing = deg * M_PI / 180;
    const double lat1 = c.lat * M_PI / 180, lng1 = c.lng * M_PI / 180, a = r / rg::kEarthRadiusMeters;
    const double lat2 = std::asin(std::sin(lat1) * std::cos(a) + std::cos(lat1) * std::sin(a) * std::cos(bearing));
    const double lng2 = lng1 + std::atan2(std::sin(bearing) * std::sin(a) * std::cos(lat1),
                                          std::cos(a) - std::sin(lat1) * std::sin(lat2));
    const Point p{lat2 * 180 / M_PI, lng2 * 180 / M_PI};
    EXPECT_NEAR(rg::distance_meters(c, p), r, 1e-6);
    EXPECT_GE(p.lat, box.min_lat);
    EXPECT_LE(p.lat, box.max_lat);
    EXPECT_GE(p.lng, box.min_lng);
    EXPECT_LE(p.lng, box.max_lng);
  }
  EXPECT_LT(box.max_lat - box.min_lat, 2 * r / 111000.0 * 1.01);
}

TEST(Geo, BoundingBoxNearPolesAndAntimeridianSpansAllLongitudes) {
  const auto polar = rg::bounding_box({89.99, 0}, 5000);
  EXPECT_EQ(polar.min_lng, -180);
  EXPECT_EQ(polar.max_lng, 180);
  EXPECT_EQ(polar.max_lat, 90);
  const auto dateline = rg::bounding_box({0, 179.99}, 5000);
  EXPECT_EQ(dateline.min_lng, -180);
  EXPECT_EQ(dateline.max_lng, 180);
  EXPECT_LT(dateline.max_lat, 1);
}

TEST(Geo, RadiusStepsExpandUpToTheRequestedRadius) {
  EXPECT_EQ(rg::radius_steps(3000), (std::vector<double>{500, 1000, 2000, 3000}));
  EXPECT_EQ(rg::radius_steps(20000), (std::vector<double>{500, 1000, 2000, 5000, 10000, 20000}));
  EXPECT_EQ(rg::radius_steps(500), (std::vector<double>{500}));
  EXPECT_EQ(rg::radius_steps(100), (std::vector<double>{100}));
  EXPECT_EQ(rg::radius_steps(1500.5), (std::vector<double>{500, 1000, 1500.5}));
}
