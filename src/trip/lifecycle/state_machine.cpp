#include "trip/lifecycle/state_machine.hpp"

namespace uitgo::trip {
namespace {

constexpr unsigned bit(Actor a) { return 1u << static_cast<unsigned>(a); }
constexpr unsigned kRider = bit(Actor::rider);
constexpr unsigned kDriver = bit(Actor::driver);
constexpr unsigned kAdmin = bit(Actor::admin);
constexpr unsigned kMatcher = bit(Actor::matcher);

struct Edge {
  Status from;
  Status to;
  unsigned who;  // bit(Actor) of everyone who may take it
};

// The one table the module is about.
constexpr Edge kEdges[] = {
    {Status::requested, Status::accepted, kDriver | kAdmin},
    {Status::requested, Status::cancelled, kRider | kAdmin | kMatcher},
    {Status::accepted, Status::arriving, kDriver | kAdmin},
    {Status::accepted, Status::cancelled, kRider | kDriver | kAdmin},
    {Status::arriving, Status::in_ride, kDriver | kAdmin},
    {Status::arriving, Status::cancelled, kRider | kDriver | kAdmin},
    {Status::in_ride, Status::completed, kDriver | kAdmin},
};

const Edge* find_edge(Status from, Status to) {
  for (const auto& e : kEdges) {
    if (e.from == from && e.to == to) return &e;
  }
  return nullptr;
}

}  // namespace

std::string_view to_string(Actor actor) {
  switch (actor) {
    case Actor::rider:
      return "rider";
    case Actor::driver:
      return "driver";
    case Actor::admin:
      return "admin";
    case Actor::matcher:
      return "matcher";
  }
  return "unknown";
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::allowed:
      return "allowed";
    case Verdict::invalid_transition:
      return "invalid_transition";
    case Verdict::forbidden:
      return "forbidden";
  }
  return "unknown";
}

bool is_edge(Status from, Status to) { return find_edge(from, to) != nullptr; }

Verdict check_transition(Status from, Status to, Actor actor, bool driver_offered) {
  const Edge* edge = find_edge(from, to);
  if (edge == nullptr) return Verdict::invalid_transition;
  // Nobody can accept a trip no driver was offered.
  if (from == Status::requested && to == Status::accepted && !driver_offered) return Verdict::invalid_transition;
  return (edge->who & bit(actor)) != 0 ? Verdict::allowed : Verdict::forbidden;
}

}  // namespace uitgo::trip
