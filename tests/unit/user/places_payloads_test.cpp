// Saved places' wire format: what the rider app sends, the coordinate rules
// (0 is valid), and the JSON it reads back.
#include <gtest/gtest.h>

#include "core/base/errors.hpp"
#include "user/places/payloads.hpp"

using namespace uitgo;
using namespace uitgo::user::places;

namespace {

std::string field_of(const std::string& body) {
  try {
    parse_place_draft(body);
  } catch (const DomainError& e) {
    return e.field().value_or("<no field>");
  }
  return "<accepted>";
}

}  // namespace

TEST(PlacePayloads, TheRiderAppsBody) {
  const auto d = parse_place_draft(R"({"name":"Nhà","address":"1 Lê Lợi","lat":10.7769,"lng":106.7009})");
  EXPECT_EQ(d.name, "Nhà");
  EXPECT_EQ(d.address, "1 Lê Lợi");
  EXPECT_DOUBLE_EQ(d.lat, 10.7769);
  EXPECT_DOUBLE_EQ(d.lng, 106.7009);
}

TEST(PlacePayloads, ZeroIsACoordinate) {
  const auto d = parse_place_draft(R"({"name":"Null Island","address":"","lat":0,"lng":0})");
  EXPECT_EQ(d.lat, 0);
  EXPECT_EQ(d.lng, 0);
}

TEST(PlacePayloads, LatitudeAndLongitudeAreAcceptedToo) {
  const auto d = parse_place_draft(R"({"name":"Work","latitude":-33.5,"longitude":151.25})");
  EXPECT_EQ(d.lat, -33.5);
  EXPECT_EQ(d.lng, 151.25);
  EXPECT_EQ(d.address, "");
}

TEST(PlacePayloads, BadFieldsAreNamed) {
  EXPECT_EQ(field_of(R"({"address":"x","lat":1,"lng":1})"), "name");
  EXPECT_EQ(field_of(R"({"name":"","lat":1,"lng":1})"), "name");
  EXPECT_EQ(field_of(R"({"name":"a","lng":1})"), "lat");
  EXPECT_EQ(field_of(R"({"name":"a","lat":1})"), "lng");
  EXPECT_EQ(field_of(R"({"name":"a","lat":90.5,"lng":1})"), "lat");
  EXPECT_EQ(field_of(R"({"name":"a","lat":1,"lng":-181})"), "lng");
  EXPECT_EQ(field_of(R"({"name":"a","lat":"1","lng":1})"), "lat");
  EXPECT_EQ(field_of(R"({"name":"a","address":7,"lat":1,"lng":1})"), "address");
  EXPECT_EQ(field_of(R"({"name":")" + std::string(kNameMax + 1, 'x') + R"(","lat":1,"lng":1})"), "name");
}

TEST(PlacePayloads, TheShapeTheAppReads) {
  const SavedPlace p{.id = "0b7e4a8e-7a8a-4c1e-9d7e-2f8f1f4a6b01",
                     .name = "Nhà",
                     .address = "1 Lê Lợi",
                     .lat = 10.5,
                     .lng = 106.25,
                     .created_at = "2030-01-01T00:00:00.000Z",
                     .updated_at = "2030-01-01T00:00:00.000Z"};
  const auto j = to_json(p);
  for (const char* key : {"id", "name", "address", "createdAt", "updatedAt"}) EXPECT_TRUE(j.at(key).is_string()) << key;
  EXPECT_EQ(j.at("lat").as_double(), 10.5);
  EXPECT_EQ(j.at("lng").as_double(), 106.25);
}
