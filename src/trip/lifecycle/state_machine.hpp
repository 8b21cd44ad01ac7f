// The trip state machine and who may move a trip along it. Pure: no I/O, so
// every (from, to, actor) combination is unit-tested.
//
//   requested ──accept──> accepted ──> arriving ──> in_ride ──> completed
//       │                    │            │
//       └────────────────────┴────────────┴──> cancelled
//
// Who may take each edge:
//   requested → accepted   the offered driver, admin (only while a driver is offered)
//   requested → cancelled  rider, admin, matcher (deadline: reason no_driver)
//   accepted  → arriving   assigned driver, admin
//   arriving  → in_ride    assigned driver, admin
//   in_ride   → completed  assigned driver, admin
//   accepted  → cancelled  rider, assigned driver, admin
//   arriving  → cancelled  rider, assigned driver, admin
// Anything else is not an edge (409 invalid_transition); an edge taken by
// someone not listed is 403 forbidden. Offers themselves (matcher sets
// driverId, driver declines, offer times out) are not status transitions:
// the trip stays `requested` (see trips.hpp).
#pragma once

#include <optional>
#include <string_view>

#include "trip/lifecycle/trip.hpp"

namespace uitgo::trip {

// How the caller relates to the trip. Anyone else does not see it at all (404).
enum class Actor { rider, driver, admin, matcher };

enum class Verdict { allowed, invalid_transition, forbidden };

std::string_view to_string(Actor actor);
std::string_view to_string(Verdict verdict);

// True when from → to is an edge of the graph above.
bool is_edge(Status from, Status to);

// `driver_offered`: the trip has a driverId (an offer pending while requested).
Verdict check_transition(Status from, Status to, Actor actor, bool driver_offered);

}  // namespace uitgo::trip
