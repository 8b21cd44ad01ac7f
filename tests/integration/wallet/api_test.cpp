// Saved places, the wallet and notifications through the gateway, as the
// rider and driver apps call them.
#include <gtest/gtest.h>

#include "support/shared_environment.hpp"
#include "wallet/wallet_support.hpp"

namespace uitgo::test::wallet {
namespace {

Stack* h = nullptr;
const auto* const environment = share_per_binary(h, [] { return std::make_unique<Stack>(); });

json::object place_body(const std::string& name, double lat, double lng) {
  return {{"name", name}, {"address", "1 Lê Lợi, Quận 1"}, {"lat", lat}, {"lng", lng}};
}

TEST(SavedPlaces, CreateListDelete) {
  const auto rider = h->gateway.user("rider");
  const auto created = h->gateway.call("POST", "/saved_places", rider, place_body("Nhà", 10.7769, 106.7009));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto place = body_of(created);
  EXPECT_EQ(str(place, "name"), "Nhà");
  EXPECT_EQ(num(place, "lat"), 10.7769);
  EXPECT_EQ(num(place, "lng"), 106.7009);
  EXPECT_FALSE(str(place, "createdAt").empty());
  EXPECT_FALSE(str(place, "updatedAt").empty());

  const auto zero = h->gateway.call("POST", "/saved_places", rider, place_body("Null Island", 0, 0));
  ASSERT_EQ(zero.status, 201) << zero.body;

  const auto list = array_of(h->gateway.call("GET", "/saved_places", rider));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(str(list[0], "name"), "Null Island") << "newest first";

  const auto id = str(place, "id");
  EXPECT_EQ(h->gateway.call("DELETE", "/saved_places/" + id, rider).status, 204);
  EXPECT_EQ(h->gateway.call("DELETE", "/saved_places/" + id, rider).status, 404);
  EXPECT_EQ(array_of(h->gateway.call("GET", "/saved_places", rider)).size(), 1u);
}

TEST(SavedPlaces, OnlyOnesOwn) {
  const auto owner = h->gateway.user("rider");
  const auto other = h->gateway.user("rider");
  const auto created = h->gateway.call("POST", "/saved_places", owner, place_body("Work", 10.8, 106.6));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto id = str(body_of(created), "id");
  EXPECT_TRUE(array_of(h->gateway.call("GET", "/saved_places", other)).empty());
  const auto stolen = h->gateway.call("DELETE", "/saved_places/" + id, other);
  EXPECT_EQ(stolen.status, 404) << stolen.body;
  EXPECT_EQ(str(body_of(stolen), "code"), "not_found");
  EXPECT_EQ(h->gateway.call("DELETE", "/saved_places/not-a-uuid", other).status, 404);
  EXPECT_EQ(array_of(h->gateway.call("GET", "/saved_places", owner)).size(), 1u);
  EXPECT_EQ(h->gateway.call("GET", "/saved_places").status, 401);
}

TEST(SavedPlaces, ValidationNamesTheField) {
  const auto rider = h->gateway.user("rider");
  const auto bad = h->gateway.call("POST", "/saved_places", rider, place_body("Far", 91, 10));
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(str(body_of(bad), "field"), "lat");
  const auto unnamed = h->gateway.call("POST", "/saved_places", rider, R"({"lat":1,"lng":2})");
  EXPECT_EQ(unnamed.status, 400);
  EXPECT_EQ(str(body_of(unnamed), "field"), "name");
}

}  // namespace
}  // namespace uitgo::test::wallet
