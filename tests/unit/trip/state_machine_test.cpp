#include "trip/lifecycle/state_machine.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>
#include <vector>

namespace uitgo::trip {
namespace {

const std::vector<Status> kStatuses = {Status::requested, Status::accepted,  Status::arriving,
                                       Status::in_ride,   Status::completed, Status::cancelled};
const std::vector<Actor> kActors = {Actor::rider, Actor::driver, Actor::admin, Actor::matcher};

using Key = std::tuple<Status, Status, Actor>;

// The table the SPEC and the issue describe, written out independently of the
// implementation: who may take which edge (a driver offer present).
std::set<Key> allowed() {
  return {
      {Status::requested, Status::accepted, Actor::driver},   {Status::requested, Status::accepted, Actor::admin},
      {Status::requested, Status::cancelled, Actor::rider},   {Status::requested, Status::cancelled, Actor::admin},
      {Status::requested, Status::cancelled, Actor::matcher}, {Status::accepted, Status::arriving, Actor::driver},
      {Status::accepted, Status::arriving, Actor::admin},     {Status::accepted, Status::cancelled, Actor::rider},
      {Status::accepted, Status::cancelled, Actor::driver},   {Status::accepted, Status::cancelled, Actor::admin},
      {Status::arriving, Status::in_ride, Actor::driver},     {Status::arriving, Status::in_ride, Actor::admin},
      {Status::arriving, Status::cancelled, Actor::rider},    {Status::arriving, Status::cancelled, Actor::driver},
      {Status::arriving, Status::cancelled, Actor::admin},    {Status::in_ride, Status::completed, Actor::driver},
      {Status::in_ride, Status::completed, Actor::admin},
  };
}

std::set<std::pair<Status, Status>> edges() {
  std::set<std::pair<Status, Status>> out;
  for (const auto& [from, to, actor] : allowed()) out.emplace(from, to);
  return out;
}

TEST(StateMachine, EveryTransitionForEveryActor) {
  const auto ok = allowed();
  const auto graph = edges();
  int checked = 0;
  for (auto from : kStatuses) {
    for (auto to : kStatuses) {
      EXPECT_EQ(is_edge(from, to), graph.count({from, to}) == 1) << to_string(from) << "→" << to_string(to);
      for (auto actor : kActors) {
        const auto verdict = check_transition(from, to, actor, /*driver_offered=*/true);
        Verdict expected = Verdict::invalid_transition;
        if (graph.count({from, to})) expected = ok.count({from, to, actor}) ? Verdict::allowed : Verdict::forbidden;
        EXPECT_EQ(verdict, expected) << to_string(from) << "→" << to_string(to) << " by " << to_string(actor)
                                     << ": got " << to_string(verdict);
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 6 * 6 * 4);
}

TEST(StateMachine, NobodyAcceptsATripWithoutAnOffer) {
  for (auto actor : kActors) {
    EXPECT_EQ(check_transition(Status::requested, Status::accepted, actor, false), Verdict::invalid_transition);
  }
  // Everything else does not depend on the offer.
  EXPECT_EQ(check_transition(Status::requested, Status::cancelled, Actor::rider, false), Verdict::allowed);
  EXPECT_EQ(check_transition(Status::requested, Status::cancelled, Actor::matcher, false), Verdict::allowed);
}

TEST(StateMachine, TerminalStatesAreFinal) {
  for (auto terminal : {Status::completed, Status::cancelled}) {
    EXPECT_TRUE(is_terminal(terminal));
    for (auto to : kStatuses) {
      for (auto actor : kActors) {
        EXPECT_EQ(check_transition(terminal, to, actor, true), Verdict::invalid_transition);
      }
    }
  }
}

TEST(StateMachine, NoSelfTransitionsAndNoSkipping) {
  for (auto s : kStatuses) EXPECT_FALSE(is_edge(s, s));
  EXPECT_FALSE(is_edge(Status::requested, Status::in_ride));
  EXPECT_FALSE(is_edge(Status::accepted, Status::completed));
  EXPECT_FALSE(is_edge(Status::in_ride, Status::cancelled)) << "a ride in progress cannot be cancelled";
  EXPECT_FALSE(is_edge(Status::arriving, Status::accepted)) << "no going back";
}

TEST(StateMachine, RiderMayOnlyCancel) {
  for (auto from : kStatuses) {
    for (auto to : kStatuses) {
      if (to == Status::cancelled) continue;
      EXPECT_NE(check_transition(from, to, Actor::rider, true), Verdict::allowed);
    }
  }
}

TEST(StateMachine, MatcherOnlyCancelsUnmatchedTrips) {
  for (auto from : kStatuses) {
    for (auto to : kStatuses) {
      const bool expected = from == Status::requested && to == Status::cancelled;
      EXPECT_EQ(check_transition(from, to, Actor::matcher, true) == Verdict::allowed, expected);
    }
  }
}

TEST(StatusNames, RoundTrip) {
  for (auto s : kStatuses) EXPECT_EQ(parse_status(to_string(s)), s);
  EXPECT_EQ(parse_status("in-ride"), std::nullopt);
  EXPECT_EQ(parse_status("REQUESTED"), std::nullopt);
  EXPECT_EQ(parse_status(""), std::nullopt);
  EXPECT_EQ(to_string(Status::in_ride), "in_ride");
}

}  // namespace
}  // namespace uitgo::trip
