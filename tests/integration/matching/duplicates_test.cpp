// Duplicated match events are harmless: with the fault point publish_twice,
// trip-service publishes every match event twice; the scale run still ends
// with every trip completed or cancelled(no_driver), no driver ever on two
// open trips, and each completed trip accepted exactly once.
#include "matching/scale_support.hpp"
#include "support/shared_environment.hpp"
#include "support/shell.hpp"

namespace uitgo::test::matching {
namespace {

Stack* stack = nullptr;

const auto* const environment = share_per_binary(stack, [] {
  return std::make_unique<Stack>(Env{{"UITGO_FAULTS", "publish_twice"},
                                     {"MATCHER_WORKERS", "4"},
                                     {"MATCH_DEADLINE_SECONDS", "90"},
                                     {"OFFER_TIMEOUT_SECONDS", "20"},
                                     {"MATCH_RETRY_MAX_MS", "1000"},
                                     {"LOG_LEVEL", "warn"}},
                                 /*driver_instances=*/2);
});

TEST(MatchingDuplicates, EveryEventPublishedTwiceChangesNothing) {
  const double lat = 10.90;
  const auto result = run_scale(*stack, ScaleRun{.drivers = 20, .trips = 80, .lat = lat, .lng = 106.70});
  EXPECT_EQ(result.other, 0) << "every trip ends completed or cancelled(no_driver)";
  EXPECT_GT(result.completed, 20) << "drivers serve trip after trip";
  EXPECT_EQ(stack->trip_sql("SELECT count(*) FROM trips t WHERE status = 'completed' AND origin_lat = 10.9 AND"
                            " (SELECT count(*) FROM trip_events e WHERE e.trip_id = t.id AND e.to_status = 'accepted')"
                            " <> 1"),
            "0")
      << "each completed trip was accepted exactly once";
  // The fault point really was on.
  EXPECT_EQ(run_command("grep -c '\"point\":\"publish_twice\"' " + stack->stack.dir() + "/logs/trip-service.log").out,
            "1\n");
}

}  // namespace
}  // namespace uitgo::test::matching
