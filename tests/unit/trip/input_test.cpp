#include "trip/lifecycle/inputs.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace uitgo::trip {
namespace {

CreateTripRequest parse(const std::string& body) { return json::parse_body<CreateTripRequest>(body); }

// The field a validation error names (or "" when it is not a validation error).
std::string failing_field(const std::string& body) {
  try {
    parse(body);
  } catch (const DomainError& e) {
    EXPECT_EQ(e.kind(), uitgo::Refusal::invalid);
    return e.field().value_or(e.code());
  }
  return "";
}

TEST(CreateTripInput, MinimalAndFull) {
  const auto minimal = parse(R"({"originText":"A","destText":"B","serviceId":"car"})");
  EXPECT_EQ(minimal.origin_text, "A");
  EXPECT_EQ(minimal.dest_text, "B");
  EXPECT_EQ(minimal.service_id, "car");
  EXPECT_FALSE(minimal.origin_lat);
  EXPECT_FALSE(minimal.dest_lng);

  const auto full =
      parse(R"({"originText":"  Ben Thanh  ","destText":"Tan Son Nhat","serviceId":"bike","originLat":10.7725,)"
            R"("originLng":106.698,"destLat":-90,"destLng":180,"unknown":"ignored"})");
  EXPECT_EQ(full.origin_text, "Ben Thanh") << "surrounding whitespace is trimmed";
  EXPECT_DOUBLE_EQ(*full.origin_lat, 10.7725);
  EXPECT_DOUBLE_EQ(*full.dest_lat, -90);
  EXPECT_DOUBLE_EQ(*full.dest_lng, 180);
  // null means absent
  EXPECT_FALSE(
      parse(R"({"originText":"A","destText":"B","serviceId":"car","originLat":null,"originLng":null})").origin_lat);
}

TEST(CreateTripInput, RequiredTexts) {
  EXPECT_EQ(failing_field(R"({"destText":"B","serviceId":"car"})"), "originText");
  EXPECT_EQ(failing_field(R"({"originText":"","destText":"B","serviceId":"car"})"), "originText");
  EXPECT_EQ(failing_field(R"({"originText":"   ","destText":"B","serviceId":"car"})"), "originText");
  EXPECT_EQ(failing_field(R"({"originText":"A","serviceId":"car"})"), "destText");
  EXPECT_EQ(failing_field(R"({"originText":"A","destText":7,"serviceId":"car"})"), "destText");
  EXPECT_EQ(failing_field(R"({"originText":"A","destText":"B"})"), "serviceId");
  const std::string five_hundred(500, 'x');
  EXPECT_EQ(parse(R"({"originText":")" + five_hundred + R"(","destText":"B","serviceId":"car"})").origin_text.size(),
            500u);
  EXPECT_EQ(failing_field(R"({"originText":")" + five_hundred + R"(x","destText":"B","serviceId":"car"})"),
            "originText");
  // Characters, not bytes: 500 Vietnamese letters of 2-3 bytes each are fine.
  std::string accented;
  for (int i = 0; i < 500; ++i) accented += "\xE1\xBB\x87";  // ệ
  EXPECT_NO_THROW(parse(R"({"originText":")" + accented + R"(","destText":"B","serviceId":"car"})"));
}

TEST(CreateTripInput, ServiceId) {
  EXPECT_EQ(parse(R"({"originText":"A","destText":"B","serviceId":"car7"})").service_id, "car7");
  EXPECT_EQ(parse(R"({"originText":"A","destText":"B","serviceId":"uit-go.premium_2"})").service_id,
            "uit-go.premium_2");
  EXPECT_EQ(failing_field(R"({"originText":"A","destText":"B","serviceId":"car 7"})"), "serviceId");
  EXPECT_EQ(failing_field(R"({"originText":"A","destText":"B","serviceId":""})"), "serviceId");
  EXPECT_EQ(failing_field(R"({"originText":"A","destText":"B","serviceId":")" + std::string(51, 'a') + R"("})"),
            "serviceId");
  EXPECT_EQ(failing_field(R"({"originText":"A","destText":"B","serviceId":1})"), "serviceId");
}

TEST(CreateTripInput, CoordinatePairs) {
  const std::string base = R"({"originText":"A","destText":"B","serviceId":"car",)";
  EXPECT_EQ(failing_field(base + R"("originLat":10.7})"), "originLng");
  EXPECT_EQ(failing_field(base + R"("originLng":106.7})"), "originLat");
  EXPECT_EQ(failing_field(base + R"("destLat":10.7})"), "destLng");
  EXPECT_EQ(failing_field(base + R"("destLng":106.7})"), "destLat");
  EXPECT_EQ(failing_field(base + R"("originLat":90.0001,"originLng":1})"), "originLat");
  EXPECT_EQ(failing_field(base + R"("originLat":1,"originLng":-180.5})"), "originLng");
  EXPECT_EQ(failing_field(base + R"("originLat":"10.7","originLng":106.7})"), "originLat");
  EXPECT_EQ(failing_field(base + R"("destLat":1e999,"destLng":1})"), "destLat") << "infinity";
  // Only the origin: fine (no fare).
  EXPECT_TRUE(parse(base + R"("originLat":10.7,"originLng":106.7})").origin_lat);
}

TEST(CreateTripInput, NotAnObject) {
  EXPECT_EQ(failing_field("[]"), "invalid_json");
  EXPECT_EQ(failing_field("{"), "invalid_json");
}

TEST(CreateTripInput, FingerprintFollowsTheNormalizedRequest) {
  const auto a = parse(R"({"originText":"A","destText":"B","serviceId":"car","originLat":1,"originLng":2})");
  const auto same = parse(R"({"serviceId":"car","originLng":2.0,"originLat":1,"originText":" A ","destText":"B"})");
  const auto other = parse(R"({"originText":"A","destText":"B","serviceId":"bike","originLat":1,"originLng":2})");
  EXPECT_EQ(a.fingerprint(), same.fingerprint());
  EXPECT_NE(a.fingerprint(), other.fingerprint());
  EXPECT_EQ(a.fingerprint().size(), 64u);
}

TEST(StatusInput, Parses) {
  const auto r = json::parse_body<StatusRequest>(R"({"status":"in_ride"})");
  EXPECT_EQ(r.status, Status::in_ride);
  EXPECT_FALSE(r.reason);
  const auto c = json::parse_body<StatusRequest>(R"({"status":"cancelled","reason":"changed my mind"})");
  EXPECT_EQ(c.reason, "changed my mind");
  EXPECT_THROW(json::parse_body<StatusRequest>(R"({"status":"flying"})"), DomainError);
  EXPECT_THROW(json::parse_body<StatusRequest>(R"({})"), DomainError);
  EXPECT_THROW(json::parse_body<StatusRequest>(R"({"status":3})"), DomainError);
  EXPECT_THROW(json::parse_body<StatusRequest>(R"({"status":"cancelled","reason":""})"), DomainError);
}

TEST(ListQueryInput, DefaultsClampsAndFilters) {
  const auto d = ListQuery::parse(std::nullopt, std::nullopt, std::nullopt);
  EXPECT_EQ(d.limit, 20);
  EXPECT_EQ(d.offset, 0);
  EXPECT_TRUE(d.statuses.empty());
  EXPECT_EQ(ListQuery::parse("500", std::nullopt, std::nullopt).limit, 100);
  EXPECT_EQ(ListQuery::parse("0", std::nullopt, std::nullopt).limit, 1);
  EXPECT_EQ(ListQuery::parse("-5", std::nullopt, std::nullopt).limit, 1);
  EXPECT_EQ(ListQuery::parse("99999999999999999999", std::nullopt, std::nullopt).limit, 100);
  EXPECT_EQ(ListQuery::parse("7", "-3", std::nullopt).offset, 0);
  EXPECT_EQ(ListQuery::parse("7", "40", std::nullopt).offset, 40);
  EXPECT_EQ(ListQuery::parse("", "", "").limit, 20);
  const auto s = ListQuery::parse(std::nullopt, std::nullopt, "requested,accepted,requested");
  EXPECT_EQ(s.statuses, (std::vector<Status>{Status::requested, Status::accepted}));
  for (const char* bad : {"ten", "1.5", "5x"}) {
    try {
      ListQuery::parse(bad, std::nullopt, std::nullopt);
      ADD_FAILURE() << bad;
    } catch (const DomainError& e) {
      EXPECT_EQ(e.field(), "limit");
    }
  }
  EXPECT_THROW(ListQuery::parse(std::nullopt, "x", std::nullopt), DomainError);
  EXPECT_THROW(ListQuery::parse(std::nullopt, std::nullopt, "done"), DomainError);
}

TEST(CreateTripInput, RiderIdForAdminBookings) {
  const auto r = json::parse_body<CreateTripRequest>(
      R"({"originText":"A","destText":"B","serviceId":"car","riderId":"0F8FAD5B-D9CB-469F-A165-70867728950E"})");
  EXPECT_EQ(r.rider_id, "0f8fad5b-d9cb-469f-a165-70867728950e");
  const auto plain = json::parse_body<CreateTripRequest>(R"({"originText":"A","destText":"B","serviceId":"car"})");
  EXPECT_FALSE(plain.rider_id);
  EXPECT_NE(r.fingerprint(), plain.fingerprint()) << "a booking for someone else is another request";
  EXPECT_EQ(plain.canonical().find("riderId"), std::string::npos) << "fingerprints stored before stay valid";
  try {
    json::parse_body<CreateTripRequest>(R"({"originText":"A","destText":"B","serviceId":"car","riderId":"me"})");
    ADD_FAILURE();
  } catch (const DomainError& e) {
    EXPECT_EQ(e.field(), "riderId");
  }
}

TEST(ListQueryInput, PagesAsTheRiderAppSendsThem) {
  const auto second = ListQuery::parse(std::nullopt, std::nullopt, std::nullopt, "2", "10");
  EXPECT_EQ(second.limit, 10);
  EXPECT_EQ(second.offset, 10);
  const auto first = ListQuery::parse(std::nullopt, std::nullopt, std::nullopt, "1", "10");
  EXPECT_EQ(first.offset, 0);
  // pageSize absent: the limit (or its default) is the page size; offset is ignored with a page.
  EXPECT_EQ(ListQuery::parse(std::nullopt, "5", std::nullopt, "3", std::nullopt).offset, 40);
  EXPECT_EQ(ListQuery::parse("7", "5", std::nullopt, "3", std::nullopt).offset, 14);
  EXPECT_EQ(ListQuery::parse(std::nullopt, std::nullopt, std::nullopt, "2", "500").limit, 100);
  EXPECT_EQ(ListQuery::parse(std::nullopt, std::nullopt, std::nullopt, "99999999999999999999", "100").offset,
            1'000'000'000LL);
  EXPECT_EQ(ListQuery::parse(std::nullopt, "30", std::nullopt, "", "").offset, 30) << "empty page: limit/offset";
  for (const char* bad : {"0", "-1", "x"}) {
    try {
      ListQuery::parse(std::nullopt, std::nullopt, std::nullopt, bad, "10");
      ADD_FAILURE() << bad;
    } catch (const DomainError& e) {
      EXPECT_EQ(e.field(), "page");
    }
  }
  try {
    ListQuery::parse(std::nullopt, std::nullopt, std::nullopt, "1", "ten");
    ADD_FAILURE();
  } catch (const DomainError& e) {
    EXPECT_EQ(e.field(), "pageSize");
  }
}

TEST(IdempotencyKey, Rules) {
  EXPECT_EQ(parse_idempotency_key(std::nullopt), std::nullopt);
  EXPECT_EQ(parse_idempotency_key("abc-123_X"), "abc-123_X");
  EXPECT_EQ(parse_idempotency_key(std::string(255, 'k')), std::string(255, 'k'));
  EXPECT_THROW(parse_idempotency_key(""), DomainError);
  EXPECT_THROW(parse_idempotency_key(std::string(256, 'k')), DomainError);
  EXPECT_THROW(parse_idempotency_key("has space"), DomainError);
  EXPECT_THROW(parse_idempotency_key("tab\there"), DomainError);
}

TEST(InternalInput, OfferExpireCancel) {
  const auto o = json::parse_body<OfferRequest>(R"({"driverId":"0F8FAD5B-D9CB-469F-A165-70867728950E","attempt":3})");
  EXPECT_EQ(o.driver_id, "0f8fad5b-d9cb-469f-a165-70867728950e");
  EXPECT_EQ(o.attempt, 3);
  EXPECT_EQ(json::parse_body<OfferRequest>(R"({"driverId":"0f8fad5b-d9cb-469f-a165-70867728950e"})").attempt, 1);
  EXPECT_THROW(json::parse_body<OfferRequest>(R"({"driverId":"nope"})"), DomainError);
  EXPECT_THROW(json::parse_body<OfferRequest>(R"({"driverId":"0f8fad5b-d9cb-469f-a165-70867728950e","attempt":0})"),
               DomainError);
  EXPECT_THROW(json::parse_body<DriverRequest>(R"({})"), DomainError);
  EXPECT_EQ(json::parse_body<CancelRequest>(R"({"reason":"no_driver"})").reason, "no_driver");
  EXPECT_THROW(json::parse_body<CancelRequest>(R"({"reason":"no driver"})"), DomainError);
  EXPECT_THROW(json::parse_body<CancelRequest>(R"({})"), DomainError);
}

TEST(TripJson, PublicShape) {
  Trip t;
  t.id = "t";
  t.rider_id = "r";
  t.status = Status::in_ride;
  t.origin_text = "A";
  t.dest_text = "B";
  t.service_id = "car";
  t.origin_lat = 1.5;
  t.origin_lng = 2.5;
  t.fare_estimate = 25000;
  t.created_at = "2026-01-01T00:00:00.000Z";
  t.updated_at = "2026-01-01T00:00:01.000Z";
  const auto o = public_json(t);
  for (const char* key :
       {"id", "riderId", "driverId", "status", "originText", "destText", "serviceId", "originLat", "originLng",
        "destLat", "destLng", "fareEstimate", "cancelReason", "createdAt", "updatedAt", "lastLocation"}) {
    EXPECT_TRUE(o.contains(key)) << key;
  }
  EXPECT_EQ(o.size(), 16u);
  EXPECT_EQ(o.at("status"), "in_ride");
  EXPECT_TRUE(o.at("driverId").is_null());
  EXPECT_TRUE(o.at("destLat").is_null());
  EXPECT_TRUE(o.at("lastLocation").is_null());
  EXPECT_EQ(o.at("fareEstimate").as_int64(), 25000);
  EXPECT_DOUBLE_EQ(o.at("originLat").as_double(), 1.5);
}

}  // namespace
}  // namespace uitgo::trip
