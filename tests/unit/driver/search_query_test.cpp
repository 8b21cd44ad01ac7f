#include <gtest/gtest.h>

#include "core/base/errors.hpp"
#include "driver/search/search_query.hpp"

using uitgo::DomainError;
using uitgo::driver::parse_search_query;
using uitgo::driver::SearchQuery;

namespace {

using Opt = std::optional<std::string_view>;

// The field named by the 400, or "" when the query parsed.
std::string rejected_field(Opt lat, Opt lng, Opt radius = std::nullopt, Opt limit = std::nullopt) {
  try {
    parse_search_query(lat, lng, radius, limit);
    return "";
  } catch (const DomainError& e) {
    EXPECT_EQ(e.kind(), uitgo::Refusal::invalid);
    EXPECT_EQ(e.code(), "validation_failed");
    return e.field().value_or("?");
  }
}

}  // namespace

TEST(SearchQuery, DefaultsAndValues) {
  const auto q = parse_search_query("10.77", "106.70", std::nullopt, std::nullopt);
  EXPECT_DOUBLE_EQ(q.lat, 10.77);
  EXPECT_DOUBLE_EQ(q.lng, 106.70);
  EXPECT_EQ(q.radius_meters, 3000);
  EXPECT_EQ(q.limit, 10);
  const auto r = parse_search_query("-90", "180", "250.5", "7");
  EXPECT_EQ(r.lat, -90);
  EXPECT_EQ(r.lng, 180);
  EXPECT_EQ(r.radius_meters, 250.5);
  EXPECT_EQ(r.limit, 7);
  EXPECT_EQ(parse_search_query("1e1", "-1.5E2", "1e3", "1").radius_meters, 1000);
}

TEST(SearchQuery, MissingOrMalformedCoordinatesNameTheParameter) {
  EXPECT_EQ(rejected_field(std::nullopt, "106.7"), "lat");
  EXPECT_EQ(rejected_field("10.7", std::nullopt), "lng");
  for (const char* bad : {"", "abc", "1e999", "-1e999", "nan", "inf", "-infinity", "10.7abc", " 10.7", "10.7 ", "+10",
                          "0x10", "10,7", "1..2"}) {
    EXPECT_EQ(rejected_field(bad, "106.7"), "lat") << bad;
    EXPECT_EQ(rejected_field("10.7", bad), "lng") << bad;
  }
}

TEST(SearchQuery, OutOfRangeCoordinatesAre400) {
  EXPECT_EQ(rejected_field("90.0001", "0"), "lat");
  EXPECT_EQ(rejected_field("-91", "0"), "lat");
  EXPECT_EQ(rejected_field("0", "180.5"), "lng");
  EXPECT_EQ(rejected_field("0", "-181"), "lng");
  EXPECT_EQ(rejected_field("90", "-180"), "");
}

TEST(SearchQuery, RadiusIsPositiveAndClamped) {
  EXPECT_EQ(rejected_field("10", "106", "0"), "radius");
  EXPECT_EQ(rejected_field("10", "106", "-5"), "radius");
  EXPECT_EQ(rejected_field("10", "106", ""), "radius");
  EXPECT_EQ(rejected_field("10", "106", "far"), "radius");
  EXPECT_EQ(rejected_field("10", "106", "1e999"), "radius");
  EXPECT_EQ(parse_search_query("10", "106", "20000", std::nullopt).radius_meters, 20000);
  EXPECT_EQ(parse_search_query("10", "106", "20001", std::nullopt).radius_meters, 20000);
  EXPECT_EQ(parse_search_query("10", "106", "1e300", std::nullopt).radius_meters, 20000);
}

TEST(SearchQuery, LimitIsAPositiveIntegerAndClamped) {
  EXPECT_EQ(rejected_field("10", "106", std::nullopt, "0"), "limit");
  EXPECT_EQ(rejected_field("10", "106", std::nullopt, "-1"), "limit");
  EXPECT_EQ(rejected_field("10", "106", std::nullopt, "2.5"), "limit");
  EXPECT_EQ(rejected_field("10", "106", std::nullopt, ""), "limit");
  EXPECT_EQ(rejected_field("10", "106", std::nullopt, "ten"), "limit");
  EXPECT_EQ(rejected_field("10", "106", std::nullopt, "-99999999999999999999999"), "limit");
  EXPECT_EQ(parse_search_query("10", "106", std::nullopt, "50").limit, 50);
  EXPECT_EQ(parse_search_query("10", "106", std::nullopt, "51").limit, 50);
  EXPECT_EQ(parse_search_query("10", "106", std::nullopt, "99999999999999999999999").limit, 50);
}
