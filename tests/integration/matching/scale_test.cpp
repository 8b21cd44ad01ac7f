// The issue-scale run in async mode: 300 trips created at once, 60 drivers
// (120 and 20 on SQS), three driver-service processes (matcher workers in
// each), one of them SIGKILLed mid-run; the messages it held come back after the visibility
// timeout and are matched by the others. Also: a poison message ends in the
// dead-letter queue, where `uitgo match-dlq list` shows it.
#include "matching/scale_support.hpp"
#include "support/shared_environment.hpp"
#include "support/shell.hpp"

namespace uitgo::test::matching {
namespace {

Stack* stack = nullptr;

const auto* const environment = share_per_binary(stack, [] {
  return std::make_unique<Stack>(Env{{"MATCHER_WORKERS", "4"},
                                     {"MATCH_DEADLINE_SECONDS", "90"},
                                     {"OFFER_TIMEOUT_SECONDS", "20"},
                                     {"MATCH_RETRY_MAX_MS", "1000"},
                                     {"MATCH_VISIBILITY_TIMEOUT_MS", "3000"},
                                     {"LOG_LEVEL", "warn"}},
                                 /*driver_instances=*/3);
});

TEST(MatchingScale, NoDoubleAssignmentAndNothingLostWhenAMatcherProcessIsKilled) {
  ASSERT_GT(stack->stack.pid("driver-service-3"), 0) << "three driver-service processes expected";
  // The SQS build runs 120 trips for 20 drivers: its emulator is one more
  // Node process on the same cores, and CI's time is short.
  const auto run = kSqsBuild ? ScaleRun{.drivers = 20, .trips = 120, .kill = "driver-service-2"}
                             : ScaleRun{.kill = "driver-service-2"};
  const auto result = run_scale(*stack, run);
  EXPECT_TRUE(result.killed);
  // Informational: the kill is aimed at a moment with messages in flight.
  std::cerr << "[scale] "
            << (stack->stack.sqs() ? "messages in flight (SQS: all processes)" : "the killed process held") << ": "
            << result.held_by_killed << "\n";
  EXPECT_EQ(result.other, 0) << "every trip ends completed or cancelled(no_driver)";
  EXPECT_GT(result.completed, run.drivers) << "drivers serve trip after trip";
  EXPECT_EQ(stack->trip_sql("SELECT count(*) FROM trips t WHERE status = 'completed' AND origin_lat = 10.8 AND"
                            " (SELECT count(*) FROM trip_events e WHERE e.trip_id = t.id AND e.to_status = 'accepted')"
                            " <> 1"),
            "0")
      << "each completed trip was accepted exactly once";
}

// Runs the dead-letter command against this stack's queue.
std::string dlq_list() {
  return run_command(stack->dlq_command_env() + " " + UITGO_BINARY + " match-dlq list --limit 1000 2>/dev/null").out;
}

TEST(MatchingScale, PoisonMessageEndsInTheDeadLetterQueue) {
  const std::string marker = "poison-" + new_uuid();
  ASSERT_TRUE(stack->send_raw("{\"not a trip event\":\"" + marker + "\"}"));
  std::string listed;
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (listed.find(marker) == std::string::npos && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(200ms);
    listed = dlq_list();
  }
  ASSERT_NE(listed.find(marker), std::string::npos) << listed;
  const auto line_start = listed.rfind('\n', listed.find(marker));
  const auto line = listed.substr(line_start == std::string::npos ? 0 : line_start + 1);
  EXPECT_NE(line.find("unparseable"), std::string::npos) << line;
  // Not left in the main queue either (nor in the stream's pending list).
  EXPECT_FALSE(stack->queue_holds(marker));
}

}  // namespace
}  // namespace uitgo::test::matching
