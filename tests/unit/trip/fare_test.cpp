#include "trip/lifecycle/fare.hpp"

#include <gtest/gtest.h>

#include "core/base/geo.hpp"

namespace uitgo::trip {
namespace {

// The distance the fare is computed from: the mean Earth radius.
double haversine_km(double lat1, double lng1, double lat2, double lng2) {
  return geo::distance_meters({lat1, lng1}, {lat2, lng2}) / 1000.0;
}

TEST(Fare, HaversineKnownDistances) {
  EXPECT_DOUBLE_EQ(haversine_km(10.0, 106.0, 10.0, 106.0), 0.0);
  // One degree of latitude: 2πR/360.
  EXPECT_NEAR(haversine_km(0, 0, 1, 0), 111.195, 0.01);
  EXPECT_NEAR(haversine_km(0, 0, 0, 1), 111.195, 0.01);
  // Ben Thanh market → Tan Son Nhat airport, about 6.7 km as the crow flies.
  EXPECT_NEAR(haversine_km(10.7725, 106.6980, 10.8185, 106.6588), 6.67, 0.01);
  // Symmetric, and across the antimeridian.
  EXPECT_DOUBLE_EQ(haversine_km(10, 106, 11, 107), haversine_km(11, 107, 10, 106));
  EXPECT_NEAR(haversine_km(0, 179.5, 0, -179.5), 111.195, 0.01);
  // Antipodes: half the circumference.
  EXPECT_NEAR(haversine_km(0, 0, 0, 180), 20015.1, 0.5);
}

TEST(Fare, RoundsToTheNearestThousand) {
  EXPECT_EQ(round_to_thousand(0), 0);
  EXPECT_EQ(round_to_thousand(49'499), 49'000);
  EXPECT_EQ(round_to_thousand(49'500), 50'000);
  EXPECT_EQ(round_to_thousand(50'499.9), 50'000);
  EXPECT_EQ(round_to_thousand(12'345'678), 12'346'000);
}

TEST(Fare, Multipliers) {
  EXPECT_DOUBLE_EQ(service_multiplier("bike"), 0.6);
  EXPECT_DOUBLE_EQ(service_multiplier("car"), 1.0);
  EXPECT_DOUBLE_EQ(service_multiplier("car7"), 1.3);
  EXPECT_DOUBLE_EQ(service_multiplier("limo"), 1.0) << "unknown services are priced like car";
}

TEST(Fare, Formula) {
  // 1 degree of latitude at the equator ≈ 111.195 km.
  const double km = haversine_km(0, 0, 1, 0);
  EXPECT_EQ(estimate_fare("car", 0, 0, 1, 0), round_to_thousand(10'000 + 8'000 * km));
  EXPECT_EQ(estimate_fare("car", 0, 0, 1, 0), 900'000);
  EXPECT_EQ(estimate_fare("bike", 0, 0, 1, 0), round_to_thousand((10'000 + 8'000 * km) * 0.6));
  EXPECT_EQ(estimate_fare("car7", 0, 0, 1, 0), round_to_thousand((10'000 + 8'000 * km) * 1.3));
  // Same place: the base fare (bike's 6,000 is lifted to the minimum).
  EXPECT_EQ(estimate_fare("car", 10.7, 106.7, 10.7, 106.7), 10'000);
  EXPECT_EQ(estimate_fare("bike", 10.7, 106.7, 10.7, 106.7), kMinimumFareVnd);
  // Every estimate is a whole number of thousands.
  for (double d = 0; d < 0.5; d += 0.013) {
    const auto fare = estimate_fare("bike", 10.7, 106.7, 10.7 + d, 106.7);
    ASSERT_TRUE(fare);
    EXPECT_EQ(*fare % 1000, 0);
  }
}

TEST(Fare, NullWithoutCoordinates) {
  EXPECT_EQ(estimate_fare("car", std::nullopt, std::nullopt, std::nullopt, std::nullopt), std::nullopt);
  EXPECT_EQ(estimate_fare("car", 10.7, 106.7, std::nullopt, std::nullopt), std::nullopt);
  EXPECT_EQ(estimate_fare("car", std::nullopt, std::nullopt, 10.7, 106.7), std::nullopt);
}

}  // namespace
}  // namespace uitgo::trip
