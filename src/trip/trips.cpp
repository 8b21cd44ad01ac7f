#include "trip/trips.hpp"

#include <unistd.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <vector>

#include "core/base/log.hpp"
#include "trip/fare.hpp"

namespace uitgo::trip {
namespace {

// Extra time the sync-mode insurance row waits beyond the inline call.
constexpr Millis kSyncInsuranceSlack{5000};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

HttpError not_found() { return HttpError::not_found("trip not found"); }

HttpError invalid_transition(std::string message) { return {409, "invalid_transition", std::move(message)}; }

HttpError raced() { return invalid_transition("the trip changed meanwhile; reload it and try again"); }

// The caller's id as stored (lower-case UUID), or nullopt for a token whose
// subject is not a user id (it then sees no trip at all).
std::optional<std::string> caller_id(const http::Principal& caller) { return normalize_uuid(caller.user_id); }

// The read-your-writes identity of a caller (read_routing.hpp).
std::string reader_id(const http::Principal& caller) { return caller_id(caller).value_or(caller.user_id); }

// Everyone whose next read must show a write to `trip`: its rider and driver
// plus `also` (the author, a driver the write removed).
std::vector<std::string> readers_of(const Trip& trip, const std::vector<std::optional<std::string>>& also = {}) {
  std::vector<std::string> out{trip.rider_id};
  if (trip.driver_id) out.push_back(*trip.driver_id);
  for (const auto& id : also) {
    if (id) out.push_back(*id);
  }
  return out;
}

std::optional<Actor> actor_for(const http::Principal& caller, const Trip& trip) {
  if (caller.role == "admin") return Actor::admin;
  const auto id = caller_id(caller);
  if (!id) return std::nullopt;
  if (caller.role == "rider" && trip.rider_id == *id) return Actor::rider;
  if (caller.role == "driver" && trip.driver_id == *id) return Actor::driver;
  return std::nullopt;
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

std::string release_payload(const std::string& driver_id, const std::string& trip_id) {
  return boost::json::serialize(boost::json::object{{"driverId", driver_id}, {"tripId", trip_id}});
}

void throw_verdict(Verdict verdict, Status from, Status to) {
  if (verdict == Verdict::allowed) return;
  if (verdict == Verdict::forbidden) {
    throw HttpError::forbidden("you may not move this trip from " + std::string(to_string(from)) + " to " +
                               std::string(to_string(to)));
  }
  throw invalid_transition("a trip cannot go from " + std::string(to_string(from)) + " to " +
                           std::string(to_string(to)));
}

double seconds_since(std::int64_t ms) { return static_cast<double>(std::max<std::int64_t>(0, now_ms() - ms)) / 1000.0; }

std::vector<double> matching_buckets() { return {0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300}; }

struct Changed {
  Trip trip;
  bool outbox = false;  // rows were written: wake the relay after the commit
};

// One status change inside `tx`: the conditional UPDATE, its trip_events row,
// the offer bookkeeping and the driver release. `actor_role` is what
// trip_events records (the Actor's name, or e.g. "system").
awaitable<Changed> apply_transition(pg::Tx& tx, const Trip& trip, Status to, const std::string& actor_id,
                                    std::string_view actor_role, const std::optional<std::string>& reason) {
  StatusChange change;
  change.from = trip.status;
  change.to = to;
  change.expected_driver = trip.driver_id;
  change.clear_driver = to == Status::cancelled && trip.status == Status::requested && trip.driver_id.has_value();
  if (to == Status::cancelled) change.cancel_reason = reason;
  auto updated = co_await Repository::change_status(tx, trip.id, change);
  if (!updated) throw raced();
  co_await Repository::add_event(tx, trip.id, trip.status, to, actor_id, actor_role, reason);
  Changed out{.trip = std::move(*updated)};
  if (trip.driver_id) {
    if (to == Status::accepted) co_await Repository::resolve_offer(tx, trip.id, *trip.driver_id, "accepted");
    if (change.clear_driver) co_await Repository::resolve_offer(tx, trip.id, *trip.driver_id, "withdrawn");
    if (is_terminal(to)) {
      const auto payload = release_payload(*trip.driver_id, trip.id);
      co_await Outbox::add(tx, kDriverRelease, payload);
      out.outbox = true;
    }
  }
  co_return out;
}

// Decline or expiry of the pending offer of `driver_id` inside `tx`.
awaitable<Trip> end_offer(pg::Tx& tx, const Trip& trip, const std::string& driver_id, std::string_view outcome) {
  auto updated = co_await Repository::end_offer(tx, trip.id, driver_id);
  if (!updated) throw raced();
  co_await Repository::resolve_offer(tx, trip.id, driver_id, outcome);
  const auto release = release_payload(driver_id, trip.id);
  co_await Outbox::add(tx, kDriverRelease, release);
  const auto rematch = trip_event(*updated).to_json();
  co_await Outbox::add(tx, kTripMatch, rematch);
  co_return std::move(*updated);
}

}  // namespace

queue::TripEvent trip_event(const Trip& trip) {
  queue::TripEvent e;
  e.trip_id = trip.id;
  e.rider_id = trip.rider_id;
  e.origin_lat = trip.origin_lat;
  e.origin_lng = trip.origin_lng;
  e.service_id = trip.service_id;
  e.created_at = trip.created_at;
  e.created_at_ms = trip.created_at_ms;
  e.attempt = trip.match_attempt;
  return e;
}

Trips::Trips(pg::Pool& db, ReadRouting& reads, OutboxRelay& relay, SyncMatcher* sync, metrics::Registry& metrics,
             TripSettings settings)
    : db_(db), reads_(reads), relay_(relay), sync_(sync), metrics_(metrics), settings_(settings) {}

awaitable<CreateResult> Trips::create(const http::Principal& caller, const CreateTripRequest& input,
                                      const std::optional<std::string>& key, const std::string& request_id) {
  const auto rider = caller_id(caller);
  if (!rider) throw HttpError::forbidden("the access token's subject is not a user id");
  const auto fingerprint = key ? input.fingerprint() : std::string();
  const auto fare = estimate_fare(input.service_id, input.origin_lat, input.origin_lng, input.dest_lat, input.dest_lng);
  const Millis outbox_delay = settings_.async_mode ? Millis(0) : settings_.sync_timeout + kSyncInsuranceSlack;

  struct Outcome {
    std::optional<Trip> trip;
    std::int64_t outbox_id = 0;
    std::string existing_id;  // Idempotency-Key replay
    bool same_request = true;
  };
  auto body = [&](pg::Tx& tx) -> awaitable<Outcome> {
    Outcome out;
    NewTrip fresh;
    if (key) {
      auto claim = co_await Repository::claim_key(tx, *rider, *key, fingerprint);
      if (!claim.fresh) {
        out.existing_id = claim.trip_id;
        out.same_request = claim.same_request;
        co_return out;
      }
      fresh.id = claim.trip_id;
    }
    fresh.rider_id = *rider;
    fresh.request = input;
    fresh.fare_estimate = fare;
    auto trip = co_await Repository::insert(tx, fresh);
    const std::optional<Status> none;
    const std::optional<std::string> no_reason;
    co_await Repository::add_event(tx, trip.id, none, Status::requested, *rider, "rider", no_reason);
    const auto event = trip_event(trip).to_json();
    out.outbox_id = co_await Outbox::add(tx, kTripMatch, event, outbox_delay);
    out.trip = std::move(trip);
    co_return out;
  };
  auto outcome = co_await db_.transaction(body);

  if (!outcome.trip) {
    if (!outcome.same_request) {
      throw HttpError(422, "idempotency_key_reused",
                      "this Idempotency-Key was already used for a different trip request", "Idempotency-Key");
    }
    auto existing = co_await Repository::find(db_, outcome.existing_id);
    if (!existing) throw not_found();  // deleted meanwhile
    co_return CreateResult{.trip = std::move(*existing), .replayed = true};
  }

  if (settings_.crash_after_commit) {
    log::error("TRIP_FAULT_CRASH_AFTER_COMMIT: exiting after the commit, before the relay runs (test only)",
               {{"tripId", outcome.trip->id}});
    log::flush();
    ::_exit(1);
  }
  metrics_.counter("trips_created_total", "trips created", {{"mode", settings_.async_mode ? "async" : "sync"}}).inc();
  auto readers = readers_of(*outcome.trip);
  co_await reads_.wrote(std::move(readers));
  log::info("trip created", {{"tripId", outcome.trip->id}, {"riderId", *rider}, {"request_id", request_id}});
  if (settings_.async_mode) {
    relay_.notify();
    co_return CreateResult{.trip = std::move(*outcome.trip)};
  }
  co_return co_await match_inline(std::move(*outcome.trip), outcome.outbox_id, request_id);
}

awaitable<CreateResult> Trips::match_inline(Trip trip, std::int64_t outbox_id, const std::string& request_id) {
  const auto event = trip_event(trip);
  std::optional<SyncResult> result;
  std::string error;
  try {
    result = co_await sync_->match(event, request_id);
  } catch (const std::exception& e) {
    error = e.what();
  }
  metrics_
      .counter("sync_match_total", "inline matching calls (MATCHING_MODE=sync) by outcome",
               {{"outcome", result ? std::string(to_string(result->outcome)) : "error"}})
      .inc();
  const bool failed = !result;
  if (failed) log::warn("inline matching failed", {{"tripId", trip.id}, {"error", error}, {"request_id", request_id}});
  if (failed || result->outcome == SyncOutcome::no_driver) {
    const std::string reason = failed ? "match_unavailable" : "no_driver";
    const std::string actor = "trip-service";
    try {
      co_await cancel_unmatched(trip.id, reason, actor, failed ? "system" : "matcher");
    } catch (const HttpError& e) {
      // A driver accepted meanwhile (the answer was late): the trip goes on.
      log::info("trip not cancelled after inline matching", {{"tripId", trip.id}, {"reason", e.what()}});
    }
  }
  try {
    co_await Outbox::mark_sent(db_, outbox_id);
  } catch (const std::exception& e) {
    // The row is delivered later; the matcher then finds the trip not open.
    log::warn("could not mark the sync-mode outbox row sent", {{"outboxId", outbox_id}, {"error", e.what()}});
  }
  auto now = co_await Repository::find(db_, trip.id);
  if (failed && now && now->status == Status::cancelled) throw UnavailableError("matching is unavailable: " + error);
  co_return CreateResult{.trip = now ? std::move(*now) : std::move(trip)};
}

awaitable<Trip> Trips::get(const http::Principal& caller, const std::string& id) {
  const std::optional<std::string> reader = reader_id(caller);
  auto find = [&id](pg::Pool& db) { return Repository::find(db, id); };
  auto trip = co_await reads_.read(reader, find);
  if (!trip || !actor_for(caller, *trip)) throw not_found();
  co_return std::move(*trip);
}

awaitable<std::optional<LastLocation>> Trips::live_location(const http::Principal& caller, const std::string& id) {
  const std::optional<std::string> reader = reader_id(caller);
  auto fetch = [&id](pg::Pool& db) { return last_location(db, id); };
  co_return co_await reads_.read(reader, fetch);
}

awaitable<TripPage> Trips::list(const http::Principal& caller, const ListQuery& query) {
  ListFilter filter;
  filter.statuses = query.statuses;
  filter.limit = query.limit;
  filter.offset = query.offset;
  if (caller.role != "admin") {
    const auto id = caller_id(caller);
    if (!id) co_return TripPage{};
    if (caller.role == "rider") {
      filter.rider_id = *id;
    } else if (caller.role == "driver") {
      filter.driver_id = *id;
    } else {
      throw HttpError::forbidden();
    }
  }
  const std::optional<std::string> reader = reader_id(caller);
  auto page = [&filter](pg::Pool& db) { return Repository::list(db, filter); };
  co_return co_await reads_.read(reader, page);
}

awaitable<Trip> Trips::change_status(const http::Principal& caller, const std::string& id, const StatusRequest& input) {
  std::optional<std::string> driver_before;  // a withdrawn offer's driver must see the change too
  auto body = [&](pg::Tx& tx) -> awaitable<Changed> {
    auto trip = co_await Repository::find(tx, id);
    if (!trip) throw not_found();
    driver_before = trip->driver_id;
    const auto actor = actor_for(caller, *trip);
    if (!actor) throw not_found();
    throw_verdict(check_transition(trip->status, input.status, *actor, trip->driver_id.has_value()), trip->status,
                  input.status);
    std::optional<std::string> reason = input.reason;
    if (input.status == Status::cancelled && !reason) reason = default_cancel_reason(*actor);
    const auto actor_id = caller_id(caller).value_or(caller.user_id);
    co_return co_await apply_transition(tx, *trip, input.status, actor_id, to_string(*actor), reason);
  };
  auto changed = co_await db_.transaction(body);
  if (changed.outbox) relay_.notify();
  auto readers = readers_of(changed.trip, {reader_id(caller), driver_before});
  co_await reads_.wrote(std::move(readers));  // before anyone is told of the change
  co_await announce(changed.trip);
  metrics_.counter("trip_transitions_total", "trip status changes", {{"to", std::string(to_string(input.status))}})
      .inc();
  if (input.status == Status::accepted) {
    metrics_.histogram("trip_time_to_accept_seconds", "trip creation to a driver's acceptance", {}, matching_buckets())
        .observe(seconds_since(changed.trip.created_at_ms));
  }
  log::info("trip status changed",
            {{"tripId", id}, {"status", to_string(input.status)}, {"by", caller.user_id}, {"role", caller.role}});
  co_return std::move(changed.trip);
}

awaitable<Trip> Trips::accept(const http::Principal& caller, const std::string& id) {
  const auto driver = caller_id(caller);
  if (!driver) throw not_found();
  struct Accepted {
    Trip trip;
    bool changed = false;
  };
  auto body = [&](pg::Tx& tx) -> awaitable<Accepted> {
    auto trip = co_await Repository::find(tx, id);
    if (!trip || trip->driver_id != *driver) throw not_found();
    if (trip->status == Status::accepted) co_return Accepted{.trip = std::move(*trip)};  // a retried accept
    throw_verdict(check_transition(trip->status, Status::accepted, Actor::driver, true), trip->status,
                  Status::accepted);
    const std::optional<std::string> no_reason;
    auto changed = co_await apply_transition(tx, *trip, Status::accepted, *driver, "driver", no_reason);
    co_return Accepted{.trip = std::move(changed.trip), .changed = true};
  };
  auto accepted = co_await db_.transaction(body);
  if (accepted.changed) {
    auto readers = readers_of(accepted.trip);
    co_await reads_.wrote(std::move(readers));  // before anyone is told of the change
    co_await announce(accepted.trip);
    metrics_.counter("trip_transitions_total", "trip status changes", {{"to", "accepted"}}).inc();
    metrics_.counter("trip_offer_outcomes_total", "ended offers by outcome", {{"outcome", "accepted"}}).inc();
    metrics_.histogram("trip_time_to_accept_seconds", "trip creation to a driver's acceptance", {}, matching_buckets())
        .observe(seconds_since(accepted.trip.created_at_ms));
    log::info("offer accepted", {{"tripId", id}, {"driverId", *driver}});
  }
  co_return std::move(accepted.trip);
}

awaitable<Trip> Trips::decline(const http::Principal& caller, const std::string& id) {
  const auto driver = caller_id(caller);
  if (!driver) throw not_found();
  auto body = [&](pg::Tx& tx) -> awaitable<Trip> {
    auto trip = co_await Repository::find(tx, id);
    if (!trip || trip->driver_id != *driver) throw not_found();
    if (trip->status != Status::requested) {
      throw invalid_transition("only a pending offer can be declined; this trip is " +
                               std::string(to_string(trip->status)));
    }
    co_return co_await end_offer(tx, *trip, *driver, "declined");
  };
  auto trip = co_await db_.transaction(body);
  relay_.notify();
  auto readers = readers_of(trip, {driver});
  co_await reads_.wrote(std::move(readers));  // before anyone is told of the change
  co_await announce(trip);
  metrics_.counter("trip_offer_outcomes_total", "ended offers by outcome", {{"outcome", "declined"}}).inc();
  log::info("offer declined", {{"tripId", id}, {"driverId", *driver}, {"matchAttempt", trip.match_attempt}});
  co_return trip;
}

awaitable<InternalTrip> Trips::internal(const std::string& id) {
  auto trip = co_await Repository::internal(db_, id);
  if (!trip) throw not_found();
  co_return std::move(*trip);
}

awaitable<OfferResult> Trips::offer(const std::string& id, const OfferRequest& input) {
  auto body = [&](pg::Tx& tx) -> awaitable<OfferResult> {
    auto offered = co_await Repository::offer(tx, id, input.driver_id, input.attempt);
    if (offered) {
      co_await Repository::record_offer(tx, id, input.driver_id, input.attempt);
      co_return OfferResult{.trip = std::move(*offered), .fresh = true};
    }
    auto trip = co_await Repository::find(tx, id);
    if (!trip) throw not_found();
    // Already this driver's (a redelivered event, a retried call): the same answer.
    if (trip->driver_id == input.driver_id) co_return OfferResult{.trip = std::move(*trip)};
    if (trip->status != Status::requested) {
      throw HttpError(409, "trip_closed",
                      "the trip is " + std::string(to_string(trip->status)) + "; it needs no driver");
    }
    if (trip->driver_id) throw HttpError(409, "offer_pending", "another driver's offer is pending");
    if (co_await Repository::offer_outcome(tx, id, input.driver_id)) {
      throw HttpError(409, "driver_excluded", "this driver was already offered this trip");
    }
    throw HttpError(409, "conflict", "the trip changed meanwhile; retry");
  };
  auto result = co_await db_.transaction(body);
  if (result.fresh) {
    auto readers = readers_of(result.trip);
    co_await reads_.wrote(std::move(readers));  // before anyone is told of the change
    co_await announce(result.trip);
    metrics_
        .histogram("trip_time_to_offer_seconds", "trip creation to a driver being offered (assigned) by the matcher",
                   {}, matching_buckets())
        .observe(seconds_since(result.trip.created_at_ms));
    log::info("driver offered", {{"tripId", id}, {"driverId", input.driver_id}, {"attempt", input.attempt}});
  }
  co_return result;
}

awaitable<ExpiryResult> Trips::expire_offer(const std::string& id, const std::string& driver_id,
                                            const std::string& actor_id, std::string_view actor_role) {
  auto body = [&](pg::Tx& tx) -> awaitable<ExpiryResult> {
    auto trip = co_await Repository::find(tx, id);
    if (!trip) throw not_found();
    if (trip->status == Status::requested && trip->driver_id == driver_id) {
      auto updated = co_await end_offer(tx, *trip, driver_id, "expired");
      co_return ExpiryResult{.trip = std::move(updated), .expired_now = true, .outcome = "expired"};
    }
    auto outcome = co_await Repository::offer_outcome(tx, id, driver_id);
    if (!outcome) throw HttpError::not_found("this trip was never offered to this driver");
    if (*outcome == "accepted" || *outcome == "pending") {
      throw HttpError(409, "offer_not_pending", "the driver accepted the offer");
    }
    co_return ExpiryResult{.trip = std::move(*trip), .outcome = std::move(*outcome)};
  };
  auto result = co_await db_.transaction(body);
  if (result.expired_now) {
    relay_.notify();
    auto readers = readers_of(result.trip, {driver_id});
    co_await reads_.wrote(std::move(readers));  // before anyone is told of the change
    co_await announce(result.trip);
    metrics_.counter("trip_offer_outcomes_total", "ended offers by outcome", {{"outcome", "expired"}}).inc();
    log::info("offer expired", {{"tripId", id}, {"driverId", driver_id}, {"by", actor_id}, {"role", actor_role}});
  }
  co_return result;
}

awaitable<Trip> Trips::cancel_unmatched(const std::string& id, const std::string& reason, const std::string& actor_id,
                                        std::string_view actor_role) {
  std::optional<std::string> driver_before;  // a withdrawn offer's driver
  auto body = [&](pg::Tx& tx) -> awaitable<Changed> {
    auto trip = co_await Repository::find(tx, id);
    if (!trip) throw not_found();
    driver_before = trip->driver_id;
    if (trip->status == Status::cancelled) co_return Changed{.trip = std::move(*trip)};  // already
    // Only an unmatched trip: once a driver accepted, the matcher has no say (409, not 403).
    const auto verdict = check_transition(trip->status, Status::cancelled, Actor::matcher, trip->driver_id.has_value());
    if (verdict != Verdict::allowed) throw_verdict(Verdict::invalid_transition, trip->status, Status::cancelled);
    const std::optional<std::string> why = reason;
    co_return co_await apply_transition(tx, *trip, Status::cancelled, actor_id, actor_role, why);
  };
  auto changed = co_await db_.transaction(body);
  if (changed.outbox) relay_.notify();
  auto readers = readers_of(changed.trip, {driver_before});
  co_await reads_.wrote(std::move(readers));  // before anyone is told of the change
  co_await announce(changed.trip);
  metrics_.counter("trip_transitions_total", "trip status changes", {{"to", "cancelled"}}).inc();
  log::info("trip cancelled without a driver", {{"tripId", id}, {"reason", reason}, {"by", actor_id}});
  co_return std::move(changed.trip);
}

awaitable<void> Trips::announce(const Trip& trip) {
  if (listener_ == nullptr) co_return;
  try {
    co_await listener_->trip_changed(trip);
  } catch (const std::exception& e) {
    log::warn("trip change listener failed", {{"tripId", trip.id}, {"error", e.what()}});
  }
}

awaitable<void> Trips::deliver_sync(const OutboxRow& row) {
  queue::TripEvent event;
  try {
    event = queue::TripEvent::from_json(row.payload);
  } catch (const std::exception& e) {
    log::error("outbox: malformed trip_match payload dropped", {{"outboxId", row.id}, {"error", e.what()}});
    co_return;
  }
  std::string request_id = "outbox-" + std::to_string(row.id);
  const auto result = co_await sync_->match(event, std::move(request_id));
  metrics_
      .counter("sync_match_total", "inline matching calls (MATCHING_MODE=sync) by outcome",
               {{"outcome", std::string(to_string(result.outcome))}})
      .inc();
  if (result.outcome != SyncOutcome::no_driver) co_return;
  const std::string reason = "no_driver";
  const std::string actor = "trip-service";
  try {
    co_await cancel_unmatched(event.trip_id, reason, actor, "matcher");
  } catch (const HttpError& e) {
    log::info("re-match found no driver; the trip moved on meanwhile",
              {{"tripId", event.trip_id}, {"reason", e.what()}});
  }
}

awaitable<int> Trips::expire_stale_offers(std::int64_t seconds) {
  const auto stale = co_await Repository::stale_offers(db_, seconds, 100);
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
