#include <gtest/gtest.h>

#include "core/base/errors.hpp"
#include "driver/profiles/inputs.hpp"

using namespace uitgo::driver;
using uitgo::DomainError;

namespace {

template <typename T>
std::string rejected_field(std::string_view body) {
  try {
    uitgo::json::parse_body<T>(body);
    return "";
  } catch (const DomainError& e) {
    return e.field().value_or(e.code());
  }
}

const char* kProfile =
    R"({"fullName":" Tran Van B ","phone":"+84 901 234 567","licenseNumber":"B2-123","avatarUrl":"https://x/y.png",)"
    R"("vehicle":{"make":"Toyota","model":"Vios","color":"white","year":2019,"plateNumber":" 51f-999.99 "}})";

}  // namespace

TEST(DriverInputs, ProfileIsTrimmedAndThePlateNormalized) {
  const auto p = uitgo::json::parse_body<ProfileInput>(kProfile);
  EXPECT_EQ(p.full_name, "Tran Van B");
  ASSERT_TRUE(p.vehicle);
  EXPECT_EQ(p.vehicle->plate_number, "51F-999.99");
  EXPECT_EQ(p.vehicle->year, 2019);
  EXPECT_EQ(p.avatar_url, "https://x/y.png");
}

TEST(DriverInputs, ProfileErrorsNameTheField) {
  EXPECT_EQ(rejected_field<ProfileInput>(R"({"phone":"123456","licenseNumber":"x","vehicle":{}})"), "fullName");
  EXPECT_EQ(rejected_field<ProfileInput>(R"({"fullName":"a","phone":"12ab56","licenseNumber":"x","vehicle":{}})"),
            "phone");
  EXPECT_EQ(rejected_field<ProfileInput>(R"({"fullName":"a","phone":"123456","licenseNumber":"x","vehicle":7})"),
            "vehicle");
  EXPECT_EQ(rejected_field<ProfileInput>(
                R"({"fullName":"a","phone":"123456","licenseNumber":"x","vehicle":{"plateNumber":"59X1#12"}})"),
            "vehicle.plateNumber");
  EXPECT_EQ(rejected_field<ProfileInput>(R"({"fullName":"a","phone":"123456","licenseNumber":"x","vehicle":{"make":")" +
                                         std::string(51, 'm') + R"("}})"),
            "vehicle.make");
  EXPECT_EQ(
      rejected_field<ProfileInput>(
          R"({"fullName":"a","phone":"123456","licenseNumber":"x","vehicle":{"make":"a","model":"b","color":"c","year":1800,"plateNumber":"p"}})"),
      "vehicle.year");
  EXPECT_EQ(rejected_field<ProfileInput>(
                R"({"fullName":"a","phone":"123456","licenseNumber":"x","avatarUrl":"javascript:x","vehicle":{}})"),
            "avatarUrl");
  EXPECT_EQ(rejected_field<InternalProfileInput>(std::string(R"({"id":"nope",)") + (kProfile + 1)), "id");
  EXPECT_EQ(rejected_field<ProfileInput>("[1]"), "invalid_json");
}

TEST(DriverInputs, TheVehicleAndItsFieldsAreOptionalAsTheDriverAppSendsThem) {
  const auto none = uitgo::json::parse_body<ProfileInput>(R"({"fullName":"a","phone":"123456","licenseNumber":"x"})");
  EXPECT_FALSE(none.vehicle);
  const auto empty = uitgo::json::parse_body<ProfileInput>(
      R"({"fullName":"a","phone":"123456","licenseNumber":"x","vehicle":{"make":"","model":" ","color":null}})");
  EXPECT_FALSE(empty.vehicle) << "empty form fields are no vehicle";
  const auto no_year = uitgo::json::parse_body<ProfileInput>(
      R"({"fullName":"a","phone":"123456","licenseNumber":"x","vehicle":{"make":"Honda","model":"Wave",)"
      R"("color":"Đỏ","plateNumber":"59x1-12345"}})");
  ASSERT_TRUE(no_year.vehicle);
  EXPECT_FALSE(no_year.vehicle->year);
  EXPECT_EQ(no_year.vehicle->color, "Đỏ");
  EXPECT_EQ(no_year.vehicle->plate_number, "59X1-12345");
  const auto plate_only = uitgo::json::parse_body<ProfileInput>(
      R"({"fullName":"a","phone":"123456","licenseNumber":"x","vehicle":{"plateNumber":"59X1-1"}})");
  ASSERT_TRUE(plate_only.vehicle);
  EXPECT_FALSE(plate_only.vehicle->make);
}

TEST(DriverInputs, TheDriverAppsProfileUpdate) {
  const auto p = uitgo::json::parse_body<ProfilePatch>(
      R"({"fullName":"Nguyễn Văn A","phone":"0900000000","licenseNumber":"59X1-12345","vehicleType":"Xe máy",)"
      R"("avatar":"/data/user/0/app/cache/avatar.jpg"})");
  EXPECT_EQ(p.full_name, "Nguyễn Văn A");
  EXPECT_EQ(p.license_number, "59X1-12345");
  EXPECT_EQ(p.vehicle_type, "Xe máy");
  EXPECT_FALSE(p.avatar_url) << "a path on the phone is not an avatar URL";
  EXPECT_EQ(rejected_field<ProfilePatch>(R"({"vehicleType":""})"), "vehicleType");
}

TEST(DriverInputs, InternalIdIsLowerCased) {
  const auto in = uitgo::json::parse_body<InternalProfileInput>(
      std::string(R"({"id":"AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE",)") + (kProfile + 1));
  EXPECT_EQ(in.id, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
}

TEST(DriverInputs, StatusAndLocation) {
  EXPECT_TRUE(uitgo::json::parse_body<StatusInput>(R"({"status":"online"})").online);
  EXPECT_FALSE(uitgo::json::parse_body<StatusInput>(R"({"status":"offline"})").online);
  EXPECT_EQ(rejected_field<StatusInput>(R"({"status":"busy"})"), "status");
  EXPECT_EQ(rejected_field<StatusInput>(R"({})"), "status");

  const auto l = uitgo::json::parse_body<LocationInput>(
      R"({"lat":10.77,"lng":106.7,"heading":90,"speedKmh":32.5,"recordedAt":"2026-01-01T00:00:00Z"})");
  EXPECT_EQ(l.lat, 10.77);
  EXPECT_EQ(l.heading, 90);
  EXPECT_EQ(l.recorded_at_ms, 1767225600000);
  EXPECT_EQ(rejected_field<LocationInput>(R"({"lng":106.7})"), "lat");
  EXPECT_EQ(rejected_field<LocationInput>(R"({"lat":"10","lng":106.7})"), "lat");
  EXPECT_EQ(rejected_field<LocationInput>(R"({"lat":89,"lng":106.7})"), "lat");  // beyond Redis GEO
  EXPECT_EQ(rejected_field<LocationInput>(R"({"lat":10,"lng":181})"), "lng");
  EXPECT_EQ(rejected_field<LocationInput>(R"({"lat":10,"lng":106,"heading":-1})"), "heading");
  EXPECT_EQ(rejected_field<LocationInput>(R"({"lat":10,"lng":106,"speedKmh":1000})"), "speedKmh");
  EXPECT_EQ(rejected_field<LocationInput>(R"({"lat":10,"lng":106,"recordedAt":"yesterday"})"), "recordedAt");
  EXPECT_EQ(rejected_field<TripInput>(R"({"tripId":"x"})"), "tripId");
}
