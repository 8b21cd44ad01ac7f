// A completed trip charges the rider and credits the driver exactly once, even
// when trip-service dies right after the completion commits
// (UITGO_FAULTS=crash_after_commit: the settlement waits in the outbox until
// the restarted relay delivers it) and when every settlement is delivered
// twice (publish_twice). A cancelled trip costs nothing. With
// WALLET_REQUIRED=true a rider whose wallet does not cover the fare estimate
// gets 402, and 503 while user-service is down.
#include <gtest/gtest.h>

#include "support/shared_environment.hpp"
#include "wallet/wallet_support.hpp"

namespace uitgo::test::wallet {
namespace {

using namespace std::chrono_literals;

struct Settlement : Stack {
  Settlement()
      : Stack(Env{{"UITGO_FAULTS", "crash_after_commit,publish_twice"},
                  {"OUTBOX_POLL_MS", "200"},
                  {"WALLET_REQUIRED", "true"}}),
        trip_service(stack, stack.trip_port) {}
  Api trip_service;
};

Settlement* h = nullptr;
const auto* const environment = share_per_binary(h, [] { return std::make_unique<Settlement>(); });

long long balance_of(const User& user) {
  const auto r = h->gateway.call("GET", "/v1/wallet", user);
  EXPECT_EQ(r.status, 200) << r.body;
  return static_cast<long long>(num(body_of(r), "balance"));
}

// The fault point ends trip-service after the commit (the gateway answers 502
// or the connection drops); it is started again.
void expect_crash_and_restart(const std::function<HttpResponse()>& call) {
  try {
    const auto r = call();
    EXPECT_GE(r.status, 500) << r.body;
  } catch (const std::exception&) {
  }
  ASSERT_TRUE(eventually([] { return h->stack.pid("trip-service") == -1; })) << "trip-service should have exited";
}

void restart_trip_service() {
  h->stack.start("trip-service");
  ASSERT_TRUE(eventually([] { return h->gateway.call("GET", "/trip-service/health").status == 200; }));
}

// A trip of `rider` (created through the crash) offered to and accepted by `driver`.
json::object trip_body() {
  return {{"originText", "A"},    {"destText", "B"},    {"serviceId", "car"}, {"originLat", 10.7725},
          {"originLng", 106.698}, {"destLat", 10.8185}, {"destLng", 106.6588}};
}

std::string accepted_trip(const User& rider, const User& driver) {
  const auto body = trip_body();
  expect_crash_and_restart([&] { return h->gateway.call("POST", "/v1/trips", rider, body); });
  const auto trip = h->gateway.scalar("trip_db", "SELECT id FROM trips WHERE rider_id = '" + rider.id + "'");
  restart_trip_service();
  EXPECT_FALSE(trip.empty());
  const auto offered =
      h->trip_service.internal("POST", "/internal/trips/" + trip + "/offer", json::object{{"driverId", driver.id}});
  EXPECT_EQ(offered.status, 200) << offered.body;
  const auto accepted = h->gateway.call("POST", "/v1/trips/" + trip + "/accept", driver);
  EXPECT_EQ(accepted.status, 200) << accepted.body;
  return trip;
}

HttpResponse set_status(const User& who, const std::string& trip, const std::string& status) {
  return h->gateway.call("POST", "/v1/trips/" + trip + "/status", who, json::object{{"status", status}});
}

TEST(Settlement, ExactlyOnceThroughACrashAndDuplicates) {
  const auto rider = h->gateway.user("rider");
  const auto driver = h->gateway.user("driver");
  const auto topped = h->gateway.call("POST", "/v1/wallet/topup", rider, json::object{{"amount", 200'000}});
  ASSERT_EQ(topped.status, 201) << topped.body;
  const auto trip = accepted_trip(rider, driver);
  ASSERT_FALSE(trip.empty());
  const auto fare =
      std::atoll(h->gateway.scalar("trip_db", "SELECT fare_estimate FROM trips WHERE id = '" + trip + "'").c_str());
  ASSERT_GT(fare, 0);
  ASSERT_EQ(set_status(driver, trip, "arriving").status, 200);
  ASSERT_EQ(set_status(driver, trip, "in_ride").status, 200);

  expect_crash_and_restart([&] { return set_status(driver, trip, "completed"); });
  EXPECT_EQ(h->gateway.scalar("trip_db", "SELECT status FROM trips WHERE id = '" + trip + "'"), "completed");
  EXPECT_EQ(h->count("trip_db",
                     "SELECT count(*) FROM outbox WHERE kind = 'trip_settlement' AND sent_at IS NULL"
                     " AND payload->>'tripId' = '" +
                         trip + "'"),
            1)
      << "committed with the completion, not delivered yet";
  EXPECT_EQ(balance_of(rider), 200'000) << "nothing moved before the relay ran";

  restart_trip_service();
  ASSERT_TRUE(eventually([&] { return balance_of(rider) == 200'000 - fare; }, 15s)) << balance_of(rider);
  EXPECT_EQ(balance_of(driver), fare * 80 / 100);
  ASSERT_TRUE(eventually([&] {
    return h->count("trip_db",
                    "SELECT count(*) FROM outbox WHERE kind = 'trip_settlement' AND sent_at IS NOT NULL"
                    " AND payload->>'tripId' = '" +
                        trip + "'") == 1;
  }));

  // Delivered again (a relay whose claim expired, an operator replay): nothing moves.
  h->gateway.sql("trip_db",
                 "UPDATE outbox SET sent_at = NULL, next_attempt_at = now() WHERE kind = 'trip_settlement'"
                 " AND payload->>'tripId' = '" +
                     trip + "'");
  h->trip_service.run_task("outbox-trip_settlement");
  EXPECT_EQ(balance_of(rider), 200'000 - fare);
  EXPECT_EQ(balance_of(driver), fare * 80 / 100);
  EXPECT_EQ(h->count("user_db", "SELECT count(*) FROM wallet_transactions WHERE trip_id = '" + trip + "'"), 2);
  EXPECT_GE(metric(h->stack.user_port, "wallet_trip_settlements_total", {"outcome=\"repeat\""}), 2);
}

TEST(Settlement, ACancelledTripCostsNothing) {
  const auto rider = h->gateway.user("rider");
  const auto driver = h->gateway.user("driver");
  ASSERT_EQ(h->gateway.call("POST", "/v1/wallet/topup", rider, json::object{{"amount", 100'000}}).status, 201);
  const auto trip = accepted_trip(rider, driver);
  ASSERT_FALSE(trip.empty());
  ASSERT_EQ(set_status(rider, trip, "cancelled").status, 200);
  h->trip_service.run_task("outbox-trip_settlement");
  EXPECT_EQ(h->count("trip_db",
                     "SELECT count(*) FROM outbox WHERE kind = 'trip_settlement'"
                     " AND payload->>'tripId' = '" +
                         trip + "'"),
            0);
  EXPECT_EQ(balance_of(rider), 100'000);
  EXPECT_EQ(balance_of(driver), 0);
}

TEST(WalletRequired, ABalanceBelowTheEstimateIs402) {
  const auto rider = h->gateway.user("rider");
  ASSERT_EQ(h->gateway.call("POST", "/v1/wallet/topup", rider, json::object{{"amount", 10'000}}).status, 201);
  const auto refused = h->gateway.call("POST", "/v1/trips", rider, trip_body());
  EXPECT_EQ(refused.status, 402) << refused.body;
  EXPECT_EQ(str(body_of(refused), "code"), "insufficient_balance");
  EXPECT_FALSE(str(body_of(refused), "error").empty());
  EXPECT_EQ(h->count("trip_db", "SELECT count(*) FROM trips WHERE rider_id = '" + rider.id + "'"), 0);
}

TEST(WalletRequired, UserServiceDownIs503) {
  const auto rider = h->gateway.user("rider");
  h->stack.stop("user-service");
  const auto r = h->gateway.call("POST", "/v1/trips", rider, trip_body());
  h->stack.start("user-service");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(h->count("trip_db", "SELECT count(*) FROM trips WHERE rider_id = '" + rider.id + "'"), 0);
}

}  // namespace
}  // namespace uitgo::test::wallet
