// Who hears about a trip change (trip/lifecycle/trip_notices.hpp).
#include "trip/lifecycle/trip_notices.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

namespace uitgo::trip {
namespace {

const std::string kRider = "11111111-1111-1111-1111-111111111111";
const std::string kDriver = "22222222-2222-2222-2222-222222222222";

Trip trip(Status status, std::optional<std::string> driver = kDriver) {
  Trip t;
  t.id = "33333333-3333-3333-3333-333333333333";
  t.rider_id = kRider;
  t.driver_id = std::move(driver);
  t.status = status;
  t.origin_text = "A";
  t.dest_text = "B";
  return t;
}

std::vector<std::string> who_and_what(const std::vector<peers::TripNotice>& notices) {
  std::vector<std::string> out;
  for (const auto& n : notices) out.push_back(n.recipient + ":" + n.kind);
  return out;
}

using List = std::vector<std::string>;

TEST(TripNotices, TheRiderHearsOfProgress) {
  EXPECT_EQ(who_and_what(transition_notices(trip(Status::accepted), Status::requested, "driver")),
            List{"rider:accepted"});
  EXPECT_EQ(who_and_what(transition_notices(trip(Status::arriving), Status::accepted, "driver")),
            List{"rider:arriving"});
  EXPECT_EQ(who_and_what(transition_notices(trip(Status::completed), Status::in_ride, "driver")),
            List{"rider:completed"});
  EXPECT_TRUE(transition_notices(trip(Status::in_ride), Status::arriving, "driver").empty());
}

TEST(TripNotices, CancellationsTellTheOtherSide) {
  auto cancelled = trip(Status::cancelled);
  EXPECT_EQ(who_and_what(transition_notices(cancelled, Status::accepted, "rider")), List{"driver:cancelled"});
  EXPECT_EQ(who_and_what(transition_notices(cancelled, Status::arriving, "driver")), List{"rider:cancelled"});
  EXPECT_EQ(who_and_what(transition_notices(cancelled, Status::accepted, "admin")),
            (List{"rider:cancelled", "driver:cancelled"}));
  EXPECT_EQ(who_and_what(transition_notices(trip(Status::cancelled, std::nullopt), Status::requested, "matcher")),
            List{"rider:no_driver"});
  EXPECT_EQ(who_and_what(transition_notices(cancelled, Status::requested, "system")), List{"rider:no_driver"});
  EXPECT_TRUE(transition_notices(trip(Status::cancelled, std::nullopt), Status::requested, "rider").empty());
}

TEST(TripNotices, EventIdsNameTripKindAndRecipient) {
  const auto offer = offer_notice(trip(Status::requested), kDriver);
  EXPECT_EQ(offer.kind, "offered");
  EXPECT_EQ(offer.recipient, "driver");
  EXPECT_EQ(offer.user_id, kDriver);
  EXPECT_EQ(offer.status, "requested");
  EXPECT_EQ(offer.event_id, "trip.offered:33333333-3333-3333-3333-333333333333:" + kDriver);
  const auto done = transition_notices(trip(Status::completed), Status::in_ride, "driver").at(0);
  EXPECT_EQ(done.event_id, "trip.completed:33333333-3333-3333-3333-333333333333:" + kRider);
  EXPECT_EQ(done.origin_text, "A");
  EXPECT_EQ(done.dest_text, "B");
}

TEST(TripNotices, TheContractRoundTrips) {
  auto n = transition_notices(trip(Status::cancelled), Status::accepted, "admin").at(0);
  n.cancel_reason = "admin_cancelled";
  const auto back = peers::TripNotice::from_json(boost::json::serialize(n.to_json()));
  EXPECT_EQ(back.event_id, n.event_id);
  EXPECT_EQ(back.user_id, n.user_id);
  EXPECT_EQ(back.recipient, "rider");
  EXPECT_EQ(back.kind, "cancelled");
  EXPECT_EQ(back.trip_id, n.trip_id);
  EXPECT_EQ(back.status, "cancelled");
  EXPECT_EQ(back.cancel_reason, "admin_cancelled");
  const peers::NoticeResult result{.event_id = n.event_id, .applied = true};
  const auto parsed = peers::NoticeResult::from_json(boost::json::serialize(result.to_json()));
  EXPECT_EQ(parsed.event_id, n.event_id);
  EXPECT_TRUE(parsed.applied);
  EXPECT_THROW(peers::NoticeResult::from_json("{}"), std::exception);
  EXPECT_THROW(peers::TripNotice::from_json(R"({"eventId":"e"})"), std::exception);
}

}  // namespace
}  // namespace uitgo::trip
