// The steps the trip use cases share: who the caller is to a trip, and the
// status changes and offer endings they make inside their transaction (the
// conditional UPDATE, its trip_events row, the offer bookkeeping and the
// outbox rows: a driver release, a re-match event, a settlement, the
// notifications of trip_notices.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/async.hpp"
#include "core/base/errors.hpp"
#include "core/base/principal.hpp"
#include "core/pg/transaction.hpp"
#include "peers/notification_contract.hpp"
#include "trip/lifecycle/state_machine.hpp"
#include "trip/lifecycle/trip.hpp"

namespace uitgo::trip {

// The caller's id as stored (lower-case UUID), or nullopt for a token whose
// subject is not a user id (it then sees no trip at all).
std::optional<std::string> caller_id(const Principal& caller);
// The read-your-writes identity of a caller (reads/read_routing.hpp).
std::string reader_id(const Principal& caller);
// The caller's part in `trip`, or nullopt when the trip is none of theirs.
std::optional<Actor> actor_for(const Principal& caller, const Trip& trip);

DomainError trip_not_found();
// 409 invalid_transition: another transition won the race.
DomainError trip_raced();
// Throws 403 / 409 for a verdict other than allowed.
void require_allowed(Verdict verdict, Status from, Status to);

std::string default_cancel_reason(Actor actor);

struct Changed {
  Trip trip;
  bool outbox = false;  // rows were written: wake the relay after the commit
};

// One status change inside `tx`. `actor_role` is what trip_events records
// (the Actor's name, or e.g. "system").
awaitable<Changed> apply_transition(pg::Tx& tx, const Trip& trip, Status to, const std::string& actor_id,
                                    std::string_view actor_role, const std::optional<std::string>& reason);

// One trip_notification outbox row per notice; true when any was written.
awaitable<bool> add_notices(pg::Tx& tx, const std::vector<peers::TripNotice>& notices);

// Decline or expiry of the pending offer of `driver_id` inside `tx`: the
// driver is released and the trip re-published (match attempt + 1).
awaitable<Trip> end_offer(pg::Tx& tx, const Trip& trip, const std::string& driver_id, std::string_view outcome);

}  // namespace uitgo::trip
