#include "trip/matching/sync_matching.hpp"

#include "core/base/log.hpp"
#include "trip/lifecycle/trip_store.hpp"
#include "trip/matching/match_events.hpp"

namespace uitgo::trip {

SyncMatching::SyncMatching(pg::Pool& db, peers::DriverClient& drivers, Offers& offers, metrics::Registry& metrics,
                           Millis timeout)
    : db_(db), drivers_(drivers), offers_(offers), metrics_(metrics), timeout_(timeout) {}

void SyncMatching::count(std::string_view outcome) {
  metrics_
      .counter("sync_match_total", "inline matching calls (MATCHING_MODE=sync) by outcome",
               {{"outcome", std::string(outcome)}})
      .inc();
}

// A driver may have accepted meanwhile (the answer came late): the trip goes on.
awaitable<void> SyncMatching::cancel_quietly(const std::string& trip_id, const std::string& reason,
                                             std::string_view role) {
  const std::string actor = "trip-service";
  try {
    co_await offers_.cancel_unmatched(trip_id, reason, actor, role);
  } catch (const DomainError& e) {
    log::info("trip not cancelled after inline matching", {{"tripId", trip_id}, {"reason", e.what()}});
  }
}

awaitable<Trip> SyncMatching::match_new_trip(Trip trip, std::int64_t outbox_id, const std::string& request_id) {
  const auto event = trip_event(trip);
  std::optional<peers::MatchAnswer> answer;
  std::string error;
  try {
    answer = co_await drivers_.match(event, request_id, timeout_);
  } catch (const std::exception& e) {
    error = e.what();
  }
  count(answer ? peers::to_string(answer->outcome) : "error");
  const bool failed = !answer;
  if (failed) log::warn("inline matching failed", {{"tripId", trip.id}, {"error", error}, {"request_id", request_id}});
  if (failed || answer->outcome == peers::MatchOutcome::no_driver) {
    const std::string reason = failed ? "match_unavailable" : "no_driver";
    co_await cancel_quietly(trip.id, reason, failed ? "system" : "matcher");
  }
  try {
    co_await Outbox::mark_sent(db_, outbox_id);
  } catch (const std::exception& e) {
    // The row is delivered later; the matcher then finds the trip not open.
    log::warn("could not mark the sync-mode outbox row sent", {{"outboxId", outbox_id}, {"error", e.what()}});
  }
  auto now = co_await TripStore::find(db_, trip.id);
  if (failed && now && now->status == Status::cancelled) throw UnavailableError("matching is unavailable: " + error);
  co_return now ? std::move(*now) : std::move(trip);
}

awaitable<void> SyncMatching::deliver(const OutboxRow& row) {
  queue::TripEvent event;
  try {
    event = queue::TripEvent::from_json(row.payload);
  } catch (const std::exception& e) {
    log::error("outbox: malformed trip_match payload dropped", {{"outboxId", row.id}, {"error", e.what()}});
    co_return;
  }
  const std::string request_id = "outbox-" + std::to_string(row.id);
  const auto answer = co_await drivers_.match(event, request_id, timeout_);
  count(peers::to_string(answer.outcome));
  if (answer.outcome != peers::MatchOutcome::no_driver) co_return;
  const std::string reason = "no_driver";
  co_await cancel_quietly(event.trip_id, reason, "matcher");
}

}  // namespace uitgo::trip
