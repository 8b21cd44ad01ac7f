// The issue-scale run in async mode: 300 trips created at once, 60 drivers,
// three driver-service processes (matcher workers in each), one of them
// SIGKILLed mid-run; the messages it held come back after the visibility
// timeout and are matched by the others. Also: a poison message ends in the
// dead-letter stream, where `uitgo match-dlq list` shows it.
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
  const auto result = run_scale(*stack, ScaleRun{.kill = "driver-service-2"});
  EXPECT_TRUE(result.killed);
  // Informational: the kill is aimed at a moment with messages in flight.
  std::cerr << "[scale] the killed process held " << result.held_by_killed << " message(s)\n";
  EXPECT_EQ(result.other, 0) << "every trip ends completed or cancelled(no_driver)";
  EXPECT_GT(result.completed, 60) << "drivers serve trip after trip";
  EXPECT_EQ(stack->trip_sql("SELECT count(*) FROM trips t WHERE status = 'completed' AND origin_lat = 10.8 AND"
                            " (SELECT count(*) FROM trip_events e WHERE e.trip_id = t.id AND e.to_status = 'accepted')"
                            " <> 1"),
            "0")
      << "each completed trip was accepted exactly once";
}

// Runs the dead-letter command against this stack's Redis.
std::string dlq_list() {
  return run_command("REDIS_URL=" + stack->stack.redis_url() + " " + UITGO_BINARY +
                     " match-dlq list --limit 1000 2>/dev/null")
      .out;
}

TEST(MatchingScale, PoisonMessageEndsInTheDeadLetterStream) {
  const std::string marker = "poison-" + new_uuid();
  const auto id = redis_cli(stack->stack.redis_port,
                            "XADD trip:match '*' body '{\"not a trip event\":\"" + marker + "\"}' sent_at 0 prior 0");
  ASSERT_FALSE(id.empty());
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
  // Not left in the main stream's pending list either.
  EXPECT_EQ(redis_cli(stack->stack.redis_port, "XPENDING trip:match matchers - + 10000 | grep -c " + id).substr(0, 1),
            "0");
}

}  // namespace
}  // namespace uitgo::test::matching
