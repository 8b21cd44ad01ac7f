#include "trip/lifecycle/trips.hpp"

#include "core/base/faults.hpp"
#include "core/base/log.hpp"
#include "core/base/time.hpp"
#include "core/pg/errors.hpp"
#include "trip/lifecycle/fare.hpp"
#include "trip/lifecycle/transitions.hpp"
#include "trip/matching/match_events.hpp"
#include "trip/matching/outbox.hpp"
#include "trip/matching/sync_matching.hpp"

namespace uitgo::trip {
namespace {

// Extra time the sync-mode insurance row waits beyond the inline call.
constexpr Millis kSyncInsuranceSlack{5000};

DomainError trip_in_progress(const std::optional<std::string>& open_trip) {
  std::string message = "this rider already has an open trip";
  if (open_trip) message += " (" + *open_trip + ")";
  message += "; complete or cancel it before requesting another";
  return DomainError::conflict("trip_in_progress", message);
}

}  // namespace

std::vector<double> matching_buckets() { return {0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300}; }

// What the creating transaction produced: a new trip, or the one an
// Idempotency-Key already names.
struct Lifecycle::Inserted {
  std::optional<Trip> trip;
  std::int64_t outbox_id = 0;
  std::string existing_id;  // Idempotency-Key replay
  bool same_request = true;
};

Lifecycle::Lifecycle(asio::any_io_executor executor, pg::Pool& db, ReadRouting& reads, TripChanges& changes,
                     metrics::Registry& metrics, LifecycleSettings settings)
    : db_(db),
      reads_(reads),
      changes_(changes),
      metrics_(metrics),
      settings_(settings),
      batcher_(std::move(executor), db, metrics, settings.max_open_trips, settings.batch) {}

namespace {

// The match event as far as it is known before the insert.
std::string match_event_draft(const std::string& rider, const CreateTripRequest& input) {
  Trip draft;
  draft.rider_id = rider;
  draft.origin_lat = input.origin_lat;
  draft.origin_lng = input.origin_lng;
  draft.service_id = input.service_id;
  return trip_event(draft).to_json();
}

// Runs `insert` and turns a refusal into trip_in_progress: no row (every
// slot of the rider is held), or a unique violation (a concurrent create took
// the last slot first).
template <class Db>
awaitable<CreatedTrip> insert_trip(Db& db, awaitable<std::optional<CreatedTrip>> insert, const std::string& rider_id) {
  bool slot_taken = false;
  std::optional<CreatedTrip> created;
  try {
    created = co_await std::move(insert);
  } catch (const pg::QueryError& e) {
    if (!e.is_unique_violation()) throw;
    slot_taken = true;
  }
  if (slot_taken) throw trip_in_progress(std::nullopt);
  if (!created) {
    const auto open = co_await TripStore::open_trip_of(db, rider_id);
    throw trip_in_progress(open);
  }
  co_return std::move(*created);
}

}  // namespace

// An Idempotency-Key belongs to whoever sent it (the rider, or the admin
// booking). Without one the trip is a single statement (no transaction).
awaitable<Lifecycle::Inserted> Lifecycle::insert(const std::string& rider, const Principal& author,
                                                 const CreateTripRequest& input,
                                                 const std::optional<std::string>& key) {
  const std::string author_id = caller_id(author).value_or(rider);
  const Millis outbox_delay = settings_.async_mode ? Millis(0) : settings_.sync_timeout + kSyncInsuranceSlack;
  const TripOpening opening{.author_id = author_id,
                            .author_role = author.role == "admin" ? "admin" : "rider",
                            .outbox_kind = std::string(kTripMatch),
                            .match_event = match_event_draft(rider, input),
                            .outbox_delay_seconds = static_cast<double>(outbox_delay.count()) / 1000.0};
  NewTrip fresh{.rider_id = rider,
                .request = input,
                .fare_estimate = estimate_fare(input.service_id, input.origin_lat, input.origin_lng, input.dest_lat,
                                               input.dest_lng)};
  if (!key) {
    auto batched = batcher_.insert(TripToCreate{.trip = fresh, .opening = opening});
    auto created = co_await insert_trip(db_, std::move(batched), rider);
    co_return Inserted{.trip = std::move(created.trip), .outbox_id = created.outbox_id};
  }
  const auto fingerprint = input.fingerprint();
  auto body = [&](pg::Tx& tx) -> awaitable<Inserted> {
    auto claim = co_await TripStore::claim_key(tx, author_id, *key, fingerprint);
    if (!claim.fresh) co_return Inserted{.existing_id = claim.trip_id, .same_request = claim.same_request};
    fresh.id = claim.trip_id;
    auto alone = TripStore::insert(tx, fresh, opening, settings_.max_open_trips);
    auto created = co_await insert_trip(tx, std::move(alone), rider);
    co_return Inserted{.trip = std::move(created.trip), .outbox_id = created.outbox_id};
  };
  co_return co_await db_.transaction(body);
}

awaitable<CreateResult> Lifecycle::create(const Principal& caller, const CreateTripRequest& input,
                                          const std::optional<std::string>& key, const std::string& request_id) {
  auto rider = caller_id(caller);
  if (!rider) throw DomainError::forbidden("the access token's subject is not a user id");
  if (input.rider_id && *input.rider_id != *rider) {
    if (caller.role != "admin") throw DomainError::forbidden("only an admin may book a trip for another rider");
    rider = input.rider_id;
  }
  if (wallet_ != nullptr) {
    const auto fare = settled_fare(
        estimate_fare(input.service_id, input.origin_lat, input.origin_lng, input.dest_lat, input.dest_lng));
    const auto wallet = co_await wallet_->wallet_balance(*rider, request_id);
    if (wallet.balance < fare) {
      throw DomainError::payment_required("insufficient_balance", "the wallet's balance (" +
                                                                      std::to_string(wallet.balance) +
                                                                      " VND) does not cover the fare estimate (" +
                                                                      std::to_string(fare) + " VND); top up first");
    }
  }
  auto inserted = co_await insert(*rider, caller, input, key);
  if (!inserted.trip) {
    if (!inserted.same_request) {
      throw DomainError::unprocessable("idempotency_key_reused",
                                       "this Idempotency-Key was already used for a different trip request",
                                       "Idempotency-Key");
    }
    auto existing = co_await TripStore::find(db_, inserted.existing_id);
    if (!existing) throw trip_not_found();  // deleted meanwhile
    co_return CreateResult{.trip = std::move(*existing), .replayed = true};
  }
  if (settings_.crash_after_commit) Faults::crash("crash_after_commit");
  metrics_.counter("trips_created_total", "trips created", {{"mode", settings_.async_mode ? "async" : "sync"}}).inc();
  const Committed what{.outbox = settings_.async_mode, .outbox_kind = kTripMatch, .announce = false};
  co_await changes_.committed(*inserted.trip, what);
  log::info("trip created", {{"tripId", inserted.trip->id}, {"riderId", *rider}, {"request_id", request_id}});
  if (!settings_.async_mode && sync_ != nullptr) {
    auto now = co_await sync_->match_new_trip(std::move(*inserted.trip), inserted.outbox_id, request_id);
    co_return CreateResult{.trip = std::move(now)};
  }
  co_return CreateResult{.trip = std::move(*inserted.trip)};
}

awaitable<Trip> Lifecycle::get(const Principal& caller, const std::string& id) {
  const std::optional<std::string> reader = reader_id(caller);
  auto find = [&id](pg::Pool& db) { return TripStore::find(db, id); };
  auto trip = co_await reads_.read(reader, find);
  if (!trip || !actor_for(caller, *trip)) throw trip_not_found();
  co_return std::move(*trip);
}

awaitable<std::optional<LastLocation>> Lifecycle::live_location(const Principal& caller, const std::string& id) {
  const std::optional<std::string> reader = reader_id(caller);
  auto fetch = [&id](pg::Pool& db) { return last_location(db, id); };
  co_return co_await reads_.read(reader, fetch);
}

awaitable<TripPage> Lifecycle::list(const Principal& caller, const ListQuery& query) {
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
      throw DomainError::forbidden();
    }
  }
  const std::optional<std::string> reader = reader_id(caller);
  auto page = [&filter](pg::Pool& db) { return TripStore::list(db, filter); };
  co_return co_await reads_.read(reader, page);
}

awaitable<Trip> Lifecycle::change_status(const Principal& caller, const std::string& id, const StatusRequest& input) {
  std::optional<std::string> driver_before;  // a withdrawn offer's driver must see the change too
  auto body = [&](pg::Tx& tx) -> awaitable<Changed> {
    auto trip = co_await TripStore::find(tx, id);
    if (!trip) throw trip_not_found();
    driver_before = trip->driver_id;
    const auto actor = actor_for(caller, *trip);
    if (!actor) throw trip_not_found();
    require_allowed(check_transition(trip->status, input.status, *actor, trip->driver_id.has_value()), trip->status,
                    input.status);
    std::optional<std::string> reason = input.reason;
    if (input.status == Status::cancelled && !reason) reason = default_cancel_reason(*actor);
    const auto actor_id = caller_id(caller).value_or(caller.user_id);
    co_return co_await apply_transition(tx, *trip, input.status, actor_id, to_string(*actor), reason);
  };
  auto changed = co_await db_.transaction(body);
  if (settings_.crash_after_commit && input.status == Status::completed) Faults::crash("crash_after_commit");
  Committed what{.outbox = changed.outbox};
  what.also_readers = {reader_id(caller), driver_before};
  co_await changes_.committed(changed.trip, what);
  count_transition(input.status, changed.trip);
  log::info("trip status changed",
            {{"tripId", id}, {"status", to_string(input.status)}, {"by", caller.user_id}, {"role", caller.role}});
  co_return std::move(changed.trip);
}

void Lifecycle::count_transition(Status to, const Trip& trip) {
  metrics_.counter("trip_transitions_total", "trip status changes", {{"to", std::string(to_string(to))}}).inc();
  if (to == Status::accepted) {
    metrics_.histogram("trip_time_to_accept_seconds", "trip creation to a driver's acceptance", {}, matching_buckets())
        .observe(seconds_since_ms(trip.created_at_ms));
  }
}

}  // namespace uitgo::trip
