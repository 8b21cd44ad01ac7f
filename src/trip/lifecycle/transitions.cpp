#include "trip/lifecycle/transitions.hpp"

#include <boost/json/serialize.hpp>

#include "core/base/ids.hpp"
#include "peers/wallet_contract.hpp"
#include "trip/lifecycle/fare.hpp"
#include "trip/lifecycle/trip_notices.hpp"
#include "trip/lifecycle/trip_store.hpp"
#include "trip/matching/match_events.hpp"
#include "trip/matching/outbox.hpp"

namespace uitgo::trip {
namespace {

DomainError invalid_transition(std::string message) {
  return DomainError::conflict("invalid_transition", std::move(message));
}

}  // namespace

std::optional<std::string> caller_id(const Principal& caller) { return normalize_uuid(caller.user_id); }

std::string reader_id(const Principal& caller) { return caller_id(caller).value_or(caller.user_id); }

std::optional<Actor> actor_for(const Principal& caller, const Trip& trip) {
  if (caller.role == "admin") return Actor::admin;
  const auto id = caller_id(caller);
  if (!id) return std::nullopt;
  if (caller.role == "rider" && trip.rider_id == *id) return Actor::rider;
  if (caller.role == "driver" && trip.driver_id == *id) return Actor::driver;
  return std::nullopt;
}

DomainError trip_not_found() { return DomainError::not_found("trip not found"); }

DomainError trip_raced() { return invalid_transition("the trip changed meanwhile; reload it and try again"); }

void require_allowed(Verdict verdict, Status from, Status to) {
  if (verdict == Verdict::allowed) return;
  if (verdict == Verdict::forbidden) {
    throw DomainError::forbidden("you may not move this trip from " + std::string(to_string(from)) + " to " +
                                 std::string(to_string(to)));
  }
  // Name the rule: where the trip can go from here.
  std::string next;
  for (const auto s :
       {Status::requested, Status::accepted, Status::arriving, Status::in_ride, Status::completed, Status::cancelled}) {
    if (!is_edge(from, s)) continue;
    next += next.empty() ? "" : " or ";
    next += to_string(s);
  }
  const std::string rule = next.empty() ? std::string(to_string(from)) + " is final"
                                        : "from " + std::string(to_string(from)) + " it can only go to " + next;
  throw invalid_transition("a trip cannot go from " + std::string(to_string(from)) + " to " +
                           std::string(to_string(to)) + " (" + rule + ")");
}

std::string default_cancel_reason(Actor actor) {
  switch (actor) {
    case Actor::rider:
      return "rider_cancelled";
    case Actor::driver:
      return "driver_cancelled";
    case Actor::admin:
      return "admin_cancelled";
    case Actor::matcher:
      return "no_driver";
  }
  return "cancelled";
}

awaitable<Changed> apply_transition(pg::Tx& tx, const Trip& trip, Status to, const std::string& actor_id,
                                    std::string_view actor_role, const std::optional<std::string>& reason) {
  StatusChange change;
  change.from = trip.status;
  change.to = to;
  change.expected_driver = trip.driver_id;
  change.clear_driver = to == Status::cancelled && trip.status == Status::requested && trip.driver_id.has_value();
  if (to == Status::cancelled) change.cancel_reason = reason;
  auto updated = co_await TripStore::change_status(tx, trip.id, change);
  if (!updated) throw trip_raced();
  co_await TripStore::add_event(tx, trip.id, trip.status, to, actor_id, actor_role, reason);
  Changed out{.trip = std::move(*updated)};
  if (trip.driver_id) {
    if (to == Status::accepted) co_await TripStore::resolve_offer(tx, trip.id, *trip.driver_id, "accepted");
    if (change.clear_driver) co_await TripStore::resolve_offer(tx, trip.id, *trip.driver_id, "withdrawn");
    if (is_terminal(to)) {
      const auto payload = release_payload(*trip.driver_id, trip.id);
      co_await Outbox::add(tx, kDriverRelease, payload);
      out.outbox = true;
    }
    if (to == Status::completed) {
      // The rider pays and the driver earns exactly once (user-service keys it by trip id).
      const peers::TripSettlement settlement{.trip_id = trip.id,
                                             .rider_id = trip.rider_id,
                                             .driver_id = *trip.driver_id,
                                             .fare = settled_fare(trip.fare_estimate)};
      const auto payload = boost::json::serialize(settlement.to_json());
      co_await Outbox::add(tx, kTripSettlement, payload);
    }
  }
  const auto notices = transition_notices(out.trip, trip.status, actor_role);
  const bool notified = co_await add_notices(tx, notices);
  if (notified) out.outbox = true;
  co_return out;
}

awaitable<bool> add_notices(pg::Tx& tx, const std::vector<peers::TripNotice>& notices) {
  std::vector<std::string> payloads;
  payloads.reserve(notices.size());
  for (const auto& notice : notices) payloads.push_back(boost::json::serialize(notice.to_json()));
  co_await Outbox::add_many(tx, kTripNotification, payloads);
  co_return !notices.empty();
}

awaitable<Trip> end_offer(pg::Tx& tx, const Trip& trip, const std::string& driver_id, std::string_view outcome) {
  auto updated = co_await TripStore::end_offer(tx, trip.id, driver_id);
  if (!updated) throw trip_raced();
  co_await TripStore::resolve_offer(tx, trip.id, driver_id, outcome);
  const auto release = release_payload(driver_id, trip.id);
  co_await Outbox::add(tx, kDriverRelease, release);
  const auto rematch = trip_event(*updated).to_json();
  co_await Outbox::add(tx, kTripMatch, rematch);
  co_return std::move(*updated);
}

}  // namespace uitgo::trip
