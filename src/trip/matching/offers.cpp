#include "trip/matching/offers.hpp"

#include <algorithm>

#include "core/base/log.hpp"
#include "core/base/time.hpp"
#include "trip/lifecycle/transitions.hpp"
#include "trip/lifecycle/trip_notices.hpp"
#include "trip/lifecycle/trips.hpp"

namespace uitgo::trip {

Offers::Offers(pg::Pool& db, TripChanges& changes, metrics::Registry& metrics)
    : db_(db), changes_(changes), metrics_(metrics) {}

void Offers::count_outcome(std::string_view outcome) {
  metrics_.counter("trip_offer_outcomes_total", "ended offers by outcome", {{"outcome", std::string(outcome)}}).inc();
}

awaitable<Trip> Offers::accept(const Principal& caller, const std::string& id) {
  const auto driver = caller_id(caller);
  if (!driver) throw trip_not_found();
  struct Accepted {
    Trip trip;
    bool changed = false;
  };
  auto body = [&](pg::Tx& tx) -> awaitable<Accepted> {
    auto trip = co_await TripStore::find(tx, id);
    if (!trip || trip->driver_id != *driver) throw trip_not_found();
    if (trip->status == Status::accepted) co_return Accepted{.trip = std::move(*trip)};  // a retried accept
    require_allowed(check_transition(trip->status, Status::accepted, Actor::driver, true), trip->status,
                    Status::accepted);
    const std::optional<std::string> no_reason;
    auto changed = co_await apply_transition(tx, *trip, Status::accepted, *driver, "driver", no_reason);
    co_return Accepted{.trip = std::move(changed.trip), .changed = true};
  };
  auto accepted = co_await db_.transaction(body);
  if (accepted.changed) {
    const Committed what{.outbox = true};  // the rider's notification
    co_await changes_.committed(accepted.trip, what);
    metrics_.counter("trip_transitions_total", "trip status changes", {{"to", "accepted"}}).inc();
    count_outcome("accepted");
    metrics_.histogram("trip_time_to_accept_seconds", "trip creation to a driver's acceptance", {}, matching_buckets())
        .observe(seconds_since_ms(accepted.trip.created_at_ms));
    log::info("offer accepted", {{"tripId", id}, {"driverId", *driver}});
  }
  co_return std::move(accepted.trip);
}

awaitable<Trip> Offers::decline(const Principal& caller, const std::string& id) {
  const auto driver = caller_id(caller);
  if (!driver) throw trip_not_found();
  auto body = [&](pg::Tx& tx) -> awaitable<Trip> {
    auto trip = co_await TripStore::find(tx, id);
    if (!trip || trip->driver_id != *driver) throw trip_not_found();
    if (trip->status != Status::requested) {
      throw DomainError::conflict("invalid_transition", "only a pending offer can be declined; this trip is " +
                                                            std::string(to_string(trip->status)));
    }
    co_return co_await end_offer(tx, *trip, *driver, "declined");
  };
  auto trip = co_await db_.transaction(body);
  Committed what{.outbox = true};
  what.also_readers = {driver};
  co_await changes_.committed(trip, what);
  count_outcome("declined");
  log::info("offer declined", {{"tripId", id}, {"driverId", *driver}, {"matchAttempt", trip.match_attempt}});
  co_return trip;
}

awaitable<MatchingView> Offers::internal(const std::string& id) {
  auto trip = co_await TripStore::internal(db_, id);
  if (!trip) throw trip_not_found();
  co_return std::move(*trip);
}

awaitable<std::vector<MatchingView>> Offers::internal_many(const std::vector<std::string>& ids) {
  co_return co_await TripStore::internal_many(db_, ids);
}

awaitable<Offers::Refusal> Offers::why_not_offered(pg::Tx& tx, const std::string& id, const OfferRequest& input) {
  auto trip = co_await TripStore::find(tx, id);
  if (!trip) co_return Refusal{.code = "not_found", .message = "trip not found"};
  // Already this driver's (a redelivered event, a retried call): the same answer.
  if (trip->driver_id == input.driver_id) co_return Refusal{.code = "already_yours", .trip = std::move(*trip)};
  if (trip->status != Status::requested) {
    co_return Refusal{.code = "trip_closed",
                      .message = "the trip is " + std::string(to_string(trip->status)) + "; it needs no driver"};
  }
  if (trip->driver_id) co_return Refusal{.code = "offer_pending", .message = "another driver's offer is pending"};
  if (co_await TripStore::offer_outcome(tx, id, input.driver_id)) {
    co_return Refusal{.code = "driver_excluded", .message = "this driver was already offered this trip"};
  }
  co_return Refusal{.code = "conflict", .message = "the trip changed meanwhile; retry"};
}

awaitable<OfferResult> Offers::refuse_offer(pg::Tx& tx, const std::string& id, const OfferRequest& input) {
  auto refusal = co_await why_not_offered(tx, id, input);
  if (refusal.trip) co_return OfferResult{.trip = std::move(*refusal.trip)};
  if (refusal.code == "not_found") throw trip_not_found();
  throw DomainError::conflict(refusal.code, refusal.message);
}

awaitable<OfferResult> Offers::offer(const std::string& id, const OfferRequest& input) {
  auto body = [&](pg::Tx& tx) -> awaitable<OfferResult> {
    auto offered = co_await TripStore::offer(tx, id, input.driver_id, input.attempt);
    if (!offered) co_return co_await refuse_offer(tx, id, input);
    co_await TripStore::record_offer(tx, id, input.driver_id, input.attempt);
    const std::vector<peers::TripNotice> notices{offer_notice(*offered, input.driver_id)};
    co_await add_notices(tx, notices);
    co_return OfferResult{.trip = std::move(*offered), .fresh = true};
  };
  auto result = co_await db_.transaction(body);
  if (result.fresh) {
    changes_.outbox_written(kTripNotification);
    co_await offered(result.trip, input);
  }
  co_return result;
}

awaitable<std::vector<std::string>> Offers::offer_many(const std::vector<OffersRequest::Item>& items) {
  std::vector<std::string> outcomes;
  std::vector<std::pair<Trip, const OfferRequest*>> fresh;
  auto body = [&](pg::Tx& tx) -> awaitable<void> {
    outcomes.assign(items.size(), "");  // a retried transaction starts over
    fresh.clear();
    auto made = co_await TripStore::offer_many(tx, items);
    std::vector<peers::TripNotice> notices;
    for (auto& [i, trip] : made) {
      outcomes[i] = "created";
      notices.push_back(offer_notice(trip, items[i].offer.driver_id));
      fresh.emplace_back(std::move(trip), &items[i].offer);
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (!outcomes[i].empty()) continue;
      const auto refusal = co_await why_not_offered(tx, items[i].trip_id, items[i].offer);
      outcomes[i] = refusal.code;
    }
    co_await add_notices(tx, notices);
  };
  co_await db_.transaction(body);
  if (!fresh.empty()) changes_.outbox_written(kTripNotification);  // one wake for the whole batch
  for (const auto& made : fresh) co_await offered(made.first, *made.second);
  co_return outcomes;
}

// After the commit of a new offer (the caller woke the outbox relay for the
// driver's notification).
awaitable<void> Offers::offered(const Trip& trip, const OfferRequest& input) {
  const Committed what{.outbox = false};
  co_await changes_.committed(trip, what);
  metrics_
      .histogram("trip_time_to_offer_seconds", "trip creation to a driver being offered (assigned) by the matcher", {},
                 matching_buckets())
      .observe(seconds_since_ms(trip.created_at_ms));
  log::info("driver offered", {{"tripId", trip.id}, {"driverId", input.driver_id}, {"attempt", input.attempt}});
}

awaitable<ExpiryResult> Offers::expire_offer(const std::string& id, const std::string& driver_id,
                                             const std::string& actor_id, std::string_view actor_role) {
  auto body = [&](pg::Tx& tx) -> awaitable<ExpiryResult> {
    auto trip = co_await TripStore::find(tx, id);
    if (!trip) throw trip_not_found();
    if (trip->status == Status::requested && trip->driver_id == driver_id) {
      auto updated = co_await end_offer(tx, *trip, driver_id, "expired");
      co_return ExpiryResult{.trip = std::move(updated), .expired_now = true, .outcome = "expired"};
    }
    auto outcome = co_await TripStore::offer_outcome(tx, id, driver_id);
    if (!outcome) throw DomainError::not_found("this trip was never offered to this driver");
    if (*outcome == "accepted" || *outcome == "pending") {
      throw DomainError::conflict("offer_not_pending", "the driver accepted the offer");
    }
    co_return ExpiryResult{.trip = std::move(*trip), .outcome = std::move(*outcome)};
  };
  auto result = co_await db_.transaction(body);
  if (result.expired_now) {
    Committed what{.outbox = true};
    what.also_readers = {driver_id};
    co_await changes_.committed(result.trip, what);
    count_outcome("expired");
    log::info("offer expired", {{"tripId", id}, {"driverId", driver_id}, {"by", actor_id}, {"role", actor_role}});
  }
  co_return result;
}

awaitable<Trip> Offers::cancel_unmatched(const std::string& id, const std::string& reason, const std::string& actor_id,
                                         std::string_view actor_role) {
  std::optional<std::string> driver_before;  // a withdrawn offer's driver
  auto body = [&](pg::Tx& tx) -> awaitable<Changed> {
    auto trip = co_await TripStore::find(tx, id);
    if (!trip) throw trip_not_found();
    driver_before = trip->driver_id;
    if (trip->status == Status::cancelled) co_return Changed{.trip = std::move(*trip)};  // already
    // Only an unmatched trip: once a driver accepted, the matcher has no say (409, not 403).
    const auto verdict = check_transition(trip->status, Status::cancelled, Actor::matcher, trip->driver_id.has_value());
    if (verdict != Verdict::allowed) require_allowed(Verdict::invalid_transition, trip->status, Status::cancelled);
    const std::optional<std::string> why = reason;
    co_return co_await apply_transition(tx, *trip, Status::cancelled, actor_id, actor_role, why);
  };
  auto changed = co_await db_.transaction(body);
  Committed what{.outbox = changed.outbox};
  what.also_readers = {driver_before};
  co_await changes_.committed(changed.trip, what);
  metrics_.counter("trip_transitions_total", "trip status changes", {{"to", "cancelled"}}).inc();
  log::info("trip cancelled without a driver", {{"tripId", id}, {"reason", reason}, {"by", actor_id}});
  co_return std::move(changed.trip);
}

awaitable<int> Offers::expire_stale_offers(std::int64_t seconds) {
  const auto stale = co_await TripStore::stale_offers(db_, seconds, 100);
  int expired = 0;
  const std::string actor = "trip-service";
  for (const auto& [trip_id, driver_id] : stale) {
    try {
      const auto result = co_await expire_offer(trip_id, driver_id, actor, "system");
      if (result.expired_now) ++expired;
    } catch (const std::exception& e) {
      log::warn("offer expiry backstop failed", {{"tripId", trip_id}, {"error", e.what()}});
    }
  }
  if (expired > 0) log::warn("expired offers the matcher did not report", {{"count", expired}});
  co_return expired;
}

}  // namespace uitgo::trip
