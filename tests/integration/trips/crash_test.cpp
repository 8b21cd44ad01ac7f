// Nothing is lost when trip-service dies between committing a trip and
// publishing its event: the fault point crash_after_commit (UITGO_FAULTS, test only) makes
// the process _exit(1) right after the commit; once it is back, the relay
// finds the outbox row and publishes the TripEvent.
#include <gtest/gtest.h>

#include "support/shared_environment.hpp"
#include "trips/trips_support.hpp"

namespace uitgo::test::trips {
namespace {

Harness* h = nullptr;

const auto* const environment = share_per_binary(h, [] {
  return std::make_unique<Harness>(Env{{"UITGO_FAULTS", "crash_after_commit"}, {"OUTBOX_POLL_MS", "200"}});
});

TEST(CrashAfterCommit, TheEventIsPublishedAfterTheRestart) {
  StreamReader reader(h->stack);
  const auto rider = h->user("rider");
  const int pid = h->stack.pid("trip-service");
  ASSERT_GT(pid, 0);

  // The process dies before answering (through the gateway this is a 502).
  ASSERT_THROW(h->call("POST", "/v1/trips", rider, trip_body()), std::exception) << "expected the connection to drop";
  ASSERT_TRUE(eventually([&] { return h->stack.pid("trip-service") == -1; })) << "trip-service should have exited";

  // Committed: the trip, its first event and its outbox row — unsent.
  const auto trip_id = h->scalar("trip_db", "SELECT id FROM trips WHERE rider_id = '" + rider.id + "'");
  ASSERT_FALSE(trip_id.empty()) << "the trip must have committed";
  EXPECT_EQ(h->scalar("trip_db", "SELECT status FROM trips WHERE id = '" + trip_id + "'"), "requested");
  EXPECT_EQ(h->scalar("trip_db", "SELECT count(*) FROM trip_events WHERE trip_id = '" + trip_id + "'"), "1");
  EXPECT_EQ(h->scalar("trip_db",
                      "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND payload->>'tripId' = '" + trip_id + "'"),
            "1");
  EXPECT_EQ(reader.stream_length(), 0) << "nothing was published before the crash";

  // Back up (the switch is still on, but only fires on a new trip): the relay catches up.
  h->stack.start("trip-service");
  const auto event = reader.wait_for(trip_id, 1, 15s);
  ASSERT_TRUE(event) << "the event was lost";
  EXPECT_EQ(str(*event, "riderId"), rider.id);
  ASSERT_TRUE(eventually([&] {
    return h->scalar("trip_db", "SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL AND payload->>'tripId' = '" +
                                    trip_id + "'") == "1";
  }));
  // Reads work as usual after the restart.
  const auto got = h->call("GET", "/v1/trips/" + trip_id, &rider);
  EXPECT_EQ(got.status, 200);
}

}  // namespace
}  // namespace uitgo::test::trips
