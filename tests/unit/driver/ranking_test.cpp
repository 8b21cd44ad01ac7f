#include <gtest/gtest.h>

#include "driver/search/ranking.hpp"

using namespace uitgo::driver;

namespace {
Candidate at(std::string id, double lat, double lng) {
  return {std::move(id), {.lat = lat, .lng = lng, .recorded_at_ms = 1}};
}
std::vector<std::string> ids(const std::vector<Ranked>& r) {
  std::vector<std::string> out;
  for (const auto& x : r) out.push_back(x.id);
  return out;
}
}  // namespace

TEST(Ranking, NearestFirstWithinRadiusUpToLimit) {
  const uitgo::geo::LatLng c{10.77, 106.70};
  std::vector<Candidate> in{at("far", 10.79, 106.70), at("near", 10.771, 106.70), at("out", 10.90, 106.70),
                            at("mid", 10.775, 106.70)};
  const auto all = rank_candidates(in, c, 3000, 10);
  EXPECT_EQ(ids(all), (std::vector<std::string>{"near", "mid", "far"}));
  EXPECT_NEAR(all[0].distance_meters, 111.2, 0.5);
  EXPECT_EQ(ids(rank_candidates(in, c, 3000, 2)), (std::vector<std::string>{"near", "mid"}));
  EXPECT_TRUE(rank_candidates({}, c, 3000, 10).empty());
}

TEST(Ranking, TiesAreOrderedById) {
  const uitgo::geo::LatLng c{10.77, 106.70};
  std::vector<Candidate> in{at("c", 10.771, 106.70), at("a", 10.771, 106.70), at("b", 10.771, 106.70)};
  EXPECT_EQ(ids(rank_candidates(in, c, 3000, 2)), (std::vector<std::string>{"a", "b"}));
}

TEST(Ranking, PositionTextRoundTripsExactly) {
  const Fix f{.lat = 10.123456789012345, .lng = -106.98765432109876, .recorded_at_ms = 1700000000123};
  const auto back = decode_fix(encode_fix(f));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->lat, f.lat);
  EXPECT_EQ(back->lng, f.lng);
  EXPECT_EQ(back->recorded_at_ms, f.recorded_at_ms);
  for (const char* bad : {"", "1,2", "1,2,x", "a,b,c", "1,2,3,", "1;2;3"}) EXPECT_FALSE(decode_fix(bad)) << bad;
}
