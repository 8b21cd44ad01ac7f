#include "driver/matcher/reservation_verdict.hpp"

#include <gtest/gtest.h>

namespace uitgo::driver {
namespace {

constexpr const char* kDriver = "11111111-1111-4111-8111-111111111111";

peers::InternalTrip trip(const std::string& status, std::optional<std::string> driver) {
  peers::InternalTrip t;
  t.id = "22222222-2222-4222-8222-222222222222";
  t.status = status;
  t.driver_id = std::move(driver);
  return t;
}

TEST(ReservationVerdict, UnknownTripIsAnOrphan) {
  EXPECT_EQ(judge_reservation(std::nullopt, kDriver), ReservationVerdict::orphan);
}

TEST(ReservationVerdict, OpenTripNamingThisDriverIsValid) {
  for (const char* status : {"requested", "accepted", "arriving", "in_ride"}) {
    EXPECT_EQ(judge_reservation(trip(status, kDriver), kDriver), ReservationVerdict::valid) << status;
  }
}

TEST(ReservationVerdict, EndedTripOrAnotherDriverIsAnOrphan) {
  EXPECT_EQ(judge_reservation(trip("completed", kDriver), kDriver), ReservationVerdict::orphan);
  EXPECT_EQ(judge_reservation(trip("cancelled", kDriver), kDriver), ReservationVerdict::orphan);
  EXPECT_EQ(judge_reservation(trip("requested", "someone-else"), kDriver), ReservationVerdict::orphan);
  EXPECT_EQ(judge_reservation(trip("requested", std::nullopt), kDriver), ReservationVerdict::orphan);
}

}  // namespace
}  // namespace uitgo::driver
