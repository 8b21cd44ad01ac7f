// The issue-scale run in sync mode (the baseline): trip-service matches each
// trip inline before answering. 300 concurrent creations race for 60 drivers
// across three driver-service processes; the atomic reservation must still
// give every driver at most one open trip.
#include "matching/scale_support.hpp"
#include "support/shared_environment.hpp"

namespace uitgo::test::matching {
namespace {

Stack* stack = nullptr;

const auto* const environment = share_per_binary(stack, [] {
  return std::make_unique<Stack>(Env{{"MATCHING_MODE", "sync"}, {"LOG_LEVEL", "warn"}},
                                 /*driver_instances=*/3);
});

TEST(MatchingScaleSync, NoDoubleAssignment) {
  const auto result = run_scale(*stack, ScaleRun{.lat = 10.81});
  EXPECT_EQ(result.other, 0) << "every trip ends completed or cancelled(no_driver)";
  EXPECT_GE(result.completed, 60) << "every driver got a trip";
}

}  // namespace
}  // namespace uitgo::test::matching
