#include "core/base/geo.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace uitgo::geo {
namespace {

TEST(Geo, ValidCoordinates) {
  EXPECT_TRUE(valid({10.77, 106.70}));
  EXPECT_TRUE(valid({-90, -180}));
  EXPECT_TRUE(valid({90, 180}));
  EXPECT_FALSE(valid({90.0001, 0}));
  EXPECT_FALSE(valid({0, -180.0001}));
  EXPECT_FALSE(valid({std::numeric_limits<double>::quiet_NaN(), 0}));
  EXPECT_FALSE(valid({0, std::numeric_limits<double>::infinity()}));
}

TEST(Geo, APlaceNeedsBothCoordinates) {
  EXPECT_EQ(place(10.0, 106.0), (LatLng{10.0, 106.0}));
  EXPECT_FALSE(place(10.0, std::nullopt).has_value());
  EXPECT_FALSE(place(std::nullopt, 106.0).has_value());
}

TEST(Geo, DistanceOnTheMeanEarthAndOnAnotherSphere) {
  // One degree of latitude: R * pi / 180.
  EXPECT_NEAR(distance_meters({10, 106}, {11, 106}), kMeanEarthRadiusMeters * M_PI / 180, 1e-6);
  EXPECT_NEAR(distance_meters({10, 106}, {11, 106}, 1000.0), 1000.0 * M_PI / 180, 1e-9);
  EXPECT_DOUBLE_EQ(distance_meters({10.77, 106.70}, {10.77, 106.70}), 0.0);
}

}  // namespace
}  // namespace uitgo::geo
