#include "driver/reservation_verdict.hpp"

#include <gtest/gtest.h>

namespace uitgo::driver {
namespace {

constexpr const char* kDriver = "11111111-1111-4111-8111-111111111111";

TEST(ReservationVerdict, UnknownTripIsAnOrphan) {
  EXPECT_EQ(judge_reservation(404, R"({"error":"trip not found","code":"not_found"})", kDriver),
            ReservationVerdict::orphan);
}

TEST(ReservationVerdict, OpenTripNamingThisDriverIsValid) {
  for (const char* status : {"requested", "accepted", "arriving", "in_ride"}) {
    const std::string body = std::string(R"({"status":")") + status + R"(","driverId":")" + kDriver + "\"}";
    EXPECT_EQ(judge_reservation(200, body, kDriver), ReservationVerdict::valid) << status;
  }
}

TEST(ReservationVerdict, EndedTripOrAnotherDriverIsAnOrphan) {
  const std::string ours = std::string(R"(,"driverId":")") + kDriver + "\"}";
  EXPECT_EQ(judge_reservation(200, R"({"status":"completed")" + ours, kDriver), ReservationVerdict::orphan);
  EXPECT_EQ(judge_reservation(200, R"({"status":"cancelled")" + ours, kDriver), ReservationVerdict::orphan);
  EXPECT_EQ(judge_reservation(200, R"({"status":"requested","driverId":"someone-else"})", kDriver),
            ReservationVerdict::orphan);
  EXPECT_EQ(judge_reservation(200, R"({"status":"requested","driverId":null})", kDriver), ReservationVerdict::orphan);
}

TEST(ReservationVerdict, UnclearAnswersAreUnknown) {
  EXPECT_EQ(judge_reservation(503, "{}", kDriver), ReservationVerdict::unknown);
  EXPECT_EQ(judge_reservation(500, "", kDriver), ReservationVerdict::unknown);
  EXPECT_EQ(judge_reservation(200, "not json", kDriver), ReservationVerdict::unknown);
  EXPECT_EQ(judge_reservation(200, "[]", kDriver), ReservationVerdict::unknown);
  EXPECT_EQ(judge_reservation(200, R"({"driverId":"x"})", kDriver), ReservationVerdict::unknown);
}

}  // namespace
}  // namespace uitgo::driver
