#include "driver/matcher/matcher.hpp"

#include <algorithm>
#include <map>

#include "core/base/log.hpp"
#include "core/base/time.hpp"
#include "driver/app.hpp"
#include "driver/matcher/reservation_audit.hpp"
#include "driver/matcher/retry_schedule.hpp"

namespace uitgo::driver {

// One consumer of the match queue; built on its first pass (a failure there
// is retried with the task's backoff).
struct Matcher::Worker {
  std::string name;
  std::unique_ptr<queue::MatchQueue> queue;
};

// One message of a batch on its way to a decision.
struct Matcher::Item {
  const queue::Message* message = nullptr;
  queue::TripEvent event;
  std::string request_id;
  const peers::InternalTrip* trip = nullptr;  // null: no such trip
  std::optional<Decision> decision;
};

constexpr const char* kWakesHelp =
    "waiting trips claimed by a driver becoming free: woken, or missed (their event had been delivered meanwhile)";

config::Spec matcher_spec() {
  config::Spec s;
  s.integer("MATCHER_WORKERS", 2, 0, 256, "matcher worker coroutines per driver-service process (0 = none)")
      .integer("OFFER_TIMEOUT_SECONDS", 15, 1, 3600,
               "an offer not accepted within this time is withdrawn and the trip offered to the next driver")
      .integer("MATCH_RADIUS_METERS", 3000, 1, 20000, "how far from the pickup the matcher looks for drivers")
      .boolean("MATCH_UNLOCATED_DRIVERS", true,
               "an online driver who has sent no position since going online (the original driver app sends "
               "positions only over a trip's WebSocket) is a candidate after every located driver in reach, "
               "longest waiting first; a driver whose position went stale is not")
      .integer("MATCH_RETRY_BASE_MS", 1000, 10, 600000,
               "first retry delay when no driver is free (doubles as the trip waits, up to MATCH_RETRY_MAX_MS)")
      .integer("MATCH_RETRY_MAX_MS", 10000, 10, 600000, "longest retry delay when no driver is free")
      .integer("MATCH_BATCH", 64, 1, 100,
               "match events a matcher worker takes at once; their trips are read in one call and offered in one "
               "transaction");
  s.merge(queue::queue_spec()).merge(reservation_audit_spec());
  return s;
}

MatcherSettings MatcherSettings::from(const config::Values& c) {
  return {.workers = static_cast<int>(c.integer("MATCHER_WORKERS")),
          .offer_timeout = std::chrono::seconds(c.integer("OFFER_TIMEOUT_SECONDS")),
          .match_deadline = std::chrono::seconds(c.integer("MATCH_DEADLINE_SECONDS")),
          .radius_meters = static_cast<double>(c.integer("MATCH_RADIUS_METERS")),
          .unlocated_candidates = c.flag("MATCH_UNLOCATED_DRIVERS"),
          .retry_base = c.millis("MATCH_RETRY_BASE_MS"),
          .retry_max = c.millis("MATCH_RETRY_MAX_MS"),
          .batch = static_cast<int>(c.integer("MATCH_BATCH"))};
}

Matcher::Matcher(service::Runtime& runtime, DriverApp& app, pg::Pool& db, redis::Client& redis,
                 MatcherSettings settings)
    : app_(app),
      settings_(settings),
      metrics_(runtime.metrics()),
      queues_(runtime.executor(), redis, runtime.config(), &runtime.metrics()),
      assignment_(app, db, runtime.metrics(),
                  {.radius_meters = settings.radius_meters, .unlocated_candidates = settings.unlocated_candidates}),
      control_queue_(queues_.make("")),
      waiting_(redis,
               {.radius_meters = settings.radius_meters, .keep_for = Millis(settings.match_deadline) + Millis(60000)}),
      woken_(runtime.metrics().counter("matcher_wakes_total", kWakesHelp, {{"result", "woken"}})),
      wake_misses_(runtime.metrics().counter("matcher_wakes_total", kWakesHelp, {{"result", "missed"}})) {
  const service::ErrorBackoff backoff{.base = settings_.retry_base, .max = settings_.retry_max};
  for (int i = 0; i < settings_.workers; ++i) {
    auto& worker = *workers_.emplace_back(std::make_unique<Worker>(Worker{.name = "w" + std::to_string(i)}));
    runtime.add_task({.name = "matcher", .period = Millis(0), .first_delay = Millis(0), .error_backoff = backoff},
                     [this, &worker] { return consume(worker); });
  }
  if (settings_.workers == 0) return;
  runtime.add_task({.name = "match-queue-gauges", .period = Millis(2000), .first_delay = Millis(0)},
                   [this]() -> awaitable<void> {
                     const auto stats = co_await control_queue_->stats();
                     queue::export_stats(stats, metrics_);
                   });
  log::info("matcher workers", {{"workers", settings_.workers},
                                {"unlocatedCandidates", settings_.unlocated_candidates},
                                {"offerTimeoutSeconds", settings_.offer_timeout.count()},
                                {"deadlineSeconds", settings_.match_deadline.count()},
                                {"batch", settings_.batch}});
}

Matcher::~Matcher() = default;

Millis Matcher::backoff(int deliveries) const {
  auto delay = settings_.retry_base;
  for (int i = 1; i < deliveries && delay < settings_.retry_max; ++i) delay *= 2;
  return std::min(delay, settings_.retry_max);
}

// One pass: wait up to a second for a message and settle it.
awaitable<void> Matcher::consume(Worker& worker) {
  if (!worker.queue) {
    worker.queue = queues_.make(queue::consumer_name(worker.name));
  }
  const auto batch = co_await worker.queue->receive(static_cast<std::size_t>(settings_.batch), Millis(1000));
  if (batch.size() == 1) co_await handle(*worker.queue, batch.front());
  if (batch.size() > 1) co_await handle_batch(*worker.queue, batch);
}

awaitable<void> Matcher::handle(queue::MatchQueue& q, const queue::Message& message) {
  std::optional<queue::TripEvent> event;
  try {
    event = queue::TripEvent::from_json(message.body);
  } catch (const std::exception& e) {
    log::warn("unparseable match event", {{"id", message.id}, {"error", e.what()}});
  }
  if (!event) {
    try {
      const std::string reason = "unparseable";
      co_await q.dead_letter(message, reason);
    } catch (const std::exception& e) {
      log::warn("matcher could not dead-letter a message", {{"id", message.id}, {"error", e.what()}});
    }
    co_return;
  }
  Decision d;
  try {
    d = co_await decide(*event, message);
  } catch (const std::exception& e) {
    assignment_.count("error");
    log::warn("matcher failed; retrying", {{"tripId", event->trip_id}, {"error", e.what()}});
    d = {Step::retry_backoff, backoff(message.deliveries)};
  }
  if (co_await settle_logged(q, message, d)) {
    const std::vector<Settled> settled{{.message = &message, .event = &*event, .decision = final_decision(message, d)}};
    co_await note_waiting(q, settled);
  }
}

awaitable<bool> Matcher::settle_logged(queue::MatchQueue& q, const queue::Message& message, Decision decision) {
  try {
    co_await settle(q, message, decision);
    co_return true;
  } catch (const std::exception& e) {
    // Left unacknowledged: redelivered after the visibility timeout.
    log::warn("matcher could not settle a message", {{"id", message.id}, {"error", e.what()}});
  }
  co_return false;
}

awaitable<void> Matcher::note_waiting(const queue::MatchQueue& q, const std::vector<Settled>& settled) {
  std::vector<ParkedTrip> park;
  std::vector<WaitingTrips::Unpark> unpark;
  for (const auto& s : settled) {
    const auto& d = s.decision;
    if (d.waiting && (d.step == Step::retry || d.step == Step::retry_backoff)) {
      auto parked = *d.waiting;
      parked.attempt = s.event->attempt;
      parked.token = q.wake_token(*s.message);
      if (!parked.token.empty()) {
        park.push_back(std::move(parked));
        continue;
      }
    }
    // Parked by an earlier delivery, or (re-published) under the old message's token.
    if (s.message->deliveries > 1 || d.step == Step::republish) {
      unpark.push_back({.trip_id = s.event->trip_id, .attempt = s.event->attempt});
    }
  }
  if (park.empty() && unpark.empty()) co_return;
  try {
    co_await waiting_.update(park, unpark, now_ms());
  } catch (const std::exception& e) {
    std::uint64_t held_back = 0;
    if (waiting_warnings_.allow(held_back)) {
      log::warn("matcher could not park or unpark waiting trips",
                {{"parked", park.size()}, {"unparked", unpark.size()}, {"error", e.what()}, {"heldBack", held_back}});
    }
  }
}

awaitable<void> Matcher::wake_for(const std::string& driver_id) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    const auto claimed = co_await waiting_.claim_for(driver_id);
    if (!claimed) co_return;
    bool woken = false;
    if (!claimed->token.empty()) woken = co_await control_queue_->wake(claimed->token);
    if (woken) {
      woken_.inc();
      log::info("waiting trip woken", {{"tripId", claimed->trip_id}, {"driverId", driver_id}});
      co_return;
    }
    wake_misses_.inc();  // its event was delivered meanwhile: whoever has it decides
  }
}

awaitable<void> Matcher::handle_batch(queue::MatchQueue& q, const std::vector<queue::Message>& messages) {
  std::vector<Item> items;  // never grows past this: decide_batch keeps pointers
  items.reserve(messages.size());
  std::vector<const queue::Message*> unparseable;
  for (const auto& m : messages) {
    try {
      items.push_back({.message = &m, .event = queue::TripEvent::from_json(m.body), .request_id = "match-" + m.id});
    } catch (const std::exception&) {
      unparseable.push_back(&m);
    }
  }
  for (const auto* m : unparseable) co_await handle(q, *m);  // dead-letters it
  if (items.empty()) co_return;
  std::map<std::string, peers::InternalTrip> trips;
  std::string error;
  try {
    std::vector<std::string> ids;
    ids.reserve(items.size());
    for (const auto& item : items) ids.push_back(item.event.trip_id);
    const std::string request_id = items.front().request_id;
    trips = co_await app_.trips.lookup(ids, request_id);
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (error.empty()) {
    for (auto& item : items) {
      const auto it = trips.find(item.event.trip_id);
      item.trip = it == trips.end() ? nullptr : &it->second;
    }
    co_await decide_batch(items);
  } else {
    assignment_.count("error");
    log::warn("matcher could not read a batch of trips; retrying", {{"events", items.size()}, {"error", error}});
  }
  co_await settle_batch(q, items);
}

// Acks and retries all in one queue call (Redis: one script); the rare
// re-publish one by one.
awaitable<void> Matcher::settle_batch(queue::MatchQueue& q, const std::vector<Item>& items) {
  std::vector<queue::Settlement> settlements;
  settlements.reserve(items.size());
  std::vector<Settled> settled;
  std::vector<Settled> republished;
  for (const auto& item : items) {
    const auto& m = *item.message;
    const auto d = final_decision(m, item.decision.value_or(Decision{Step::retry_backoff, backoff(m.deliveries)}));
    const Settled s{.message = &m, .event = &item.event, .decision = d};
    if (d.step == Step::republish) {
      republished.push_back(s);
    } else {
      const auto kind = d.step == Step::ack ? queue::Settlement::Kind::ack : queue::Settlement::Kind::retry;
      settlements.push_back({.message = &m, .kind = kind, .delay = d.delay});
      settled.push_back(s);
    }
  }
  const auto n = settlements.size();
  try {
    co_await q.settle_many(std::move(settlements));
  } catch (const std::exception& e) {
    // Left unacknowledged: redelivered after the visibility timeout.
    log::warn("matcher could not settle a batch", {{"messages", n}, {"error", e.what()}});
    settled.clear();
  }
  for (const auto& s : republished) {
    if (co_await settle_logged(q, *s.message, s.decision)) settled.push_back(s);
  }
  co_await note_waiting(q, settled);
}

// Every item gets a decision, except those whose step failed (retried).
awaitable<void> Matcher::decide_batch(std::vector<Item>& items) {
  std::vector<Item*> pending;
  for (auto& item : items) {
    try {
      item.decision = co_await decide_before_assigning(item.event, item.trip, item.request_id);
      if (!item.decision) pending.push_back(&item);
    } catch (const std::exception& e) {
      assignment_.count("error");
      log::warn("matcher failed; retrying", {{"tripId", item.event.trip_id}, {"error", e.what()}});
    }
  }
  if (!pending.empty()) co_await assign_batch(pending);
}

awaitable<void> Matcher::assign_batch(std::vector<Item*>& pending) {
  std::vector<const peers::InternalTrip*> trips;
  trips.reserve(pending.size());
  for (const auto* item : pending) trips.push_back(item->trip);
  std::vector<std::optional<peers::MatchAnswer>> answers;
  std::string error;
  try {
    answers = co_await assignment_.assign_many(trips, pending.front()->request_id);
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (!error.empty()) {
    assignment_.count("error");
    log::warn("matcher could not offer a batch; retrying", {{"trips", trips.size()}, {"error", error}});
    co_return;
  }
  for (std::size_t i = 0; i < pending.size(); ++i) {
    if (answers[i]) pending[i]->decision = after_assignment(*answers[i], *trips[i]);
  }
}

// A message about to reach the delivery limit is re-published instead of retried.
Matcher::Decision Matcher::final_decision(const queue::Message& message, Decision d) const {
  if (d.step != Step::ack && message.deliveries + 1 >= queues_.settings().max_deliveries) d.step = Step::republish;
  return d;
}

awaitable<void> Matcher::settle(queue::MatchQueue& q, const queue::Message& message, Decision d) {
  d = final_decision(message, d);
  switch (d.step) {
    case Step::ack:
      co_await q.ack(message);
      break;
    case Step::retry:
    case Step::retry_backoff:
      co_await q.retry_later(message, d.delay);
      break;
    case Step::republish: {
      // Fresh delivery count; the trip's state in trip-service is what counts.
      const std::string body = message.body;
      co_await q.publish(body);
      co_await q.ack(message);
      break;
    }
  }
}

awaitable<Matcher::Decision> Matcher::cancel_too_late(const peers::InternalTrip& trip, const std::string& request_id) {
  const std::string reason = "no_driver";
  co_await app_.trips.cancel_unmatched(trip.id, reason, request_id);
  assignment_.count("cancelled");
  log::info("trip cancelled: no driver", {{"tripId", trip.id}, {"ageMs", trip.age_ms}});
  co_return Decision{Step::ack, Millis(0)};
}

awaitable<Matcher::Decision> Matcher::check_offer(const peers::InternalTrip& trip, const std::string& request_id) {
  const auto offer_timeout_ms = static_cast<std::int64_t>(settings_.offer_timeout.count()) * 1000;
  const auto offer_age = trip.offer_age_ms.value_or(0);
  if (offer_age < offer_timeout_ms) {
    // Check again when the offer times out (duplicates of this check are harmless).
    co_return Decision{Step::retry, Millis(offer_timeout_ms - offer_age + 100)};
  }
  const auto result = co_await app_.trips.expire_offer(trip.id, *trip.driver_id, request_id);
  log::info(
      "offer expired",
      {{"tripId", trip.id}, {"driverId", *trip.driver_id}, {"expiredNow", result == peers::ExpiryResult::expired_now}});
  // expired now: trip-service published the re-match event (attempt + 1);
  // already ended or accepted: someone else moved the trip on.
  assignment_.count("stale");
  co_return Decision{Step::ack, Millis(0)};
}

awaitable<Matcher::Decision> Matcher::decide(const queue::TripEvent& event, const queue::Message& message) {
  const std::string request_id = "match-" + message.id;
  const auto trip = co_await app_.trips.get(event.trip_id, request_id);
  const auto before = co_await decide_before_assigning(event, trip ? &*trip : nullptr, request_id);
  if (before) co_return *before;
  const auto answer = co_await assignment_.assign(*trip, request_id);
  co_return after_assignment(answer, *trip);
}

awaitable<std::optional<Matcher::Decision>> Matcher::decide_before_assigning(const queue::TripEvent& event,
                                                                             const peers::InternalTrip* trip,
                                                                             const std::string& request_id) {
  if (trip == nullptr || trip->status != "requested" || event.attempt < trip->match_attempt) {
    assignment_.count("stale");
    co_return Decision{Step::ack, Millis(0)};
  }
  const auto deadline_ms = static_cast<std::int64_t>(settings_.match_deadline.count()) * 1000;
  if (trip->age_ms > deadline_ms) co_return co_await cancel_too_late(*trip, request_id);
  if (trip->driver_id) co_return co_await check_offer(*trip, request_id);
  co_return std::nullopt;
}

Matcher::Decision Matcher::after_assignment(const peers::MatchAnswer& answer, const peers::InternalTrip& trip) const {
  switch (answer.outcome) {
    case peers::MatchOutcome::assigned:
      return Decision{Step::retry, Millis(settings_.offer_timeout) + Millis(100)};
    case peers::MatchOutcome::not_open:
      return Decision{Step::ack, Millis(0)};
    case peers::MatchOutcome::no_driver:
      break;
  }
  // Never wait past the deadline: the cancel should come on time.
  const auto deadline_ms = static_cast<std::int64_t>(settings_.match_deadline.count()) * 1000;
  auto delay = waiting_retry_delay(trip.age_ms, settings_.retry_base, settings_.retry_max);
  const Millis to_deadline(deadline_ms - trip.age_ms + 100);
  delay = std::max(Millis(100), std::min(delay, to_deadline));
  return Decision{.step = Step::retry_backoff,
                  .delay = delay,
                  .waiting = ParkedTrip{.trip_id = trip.id,
                                        .pickup = geo::place(trip.origin_lat, trip.origin_lng),
                                        .created_ms = trip.created_at_ms,
                                        .excluded = trip.excluded_drivers()}};
}

awaitable<peers::MatchAnswer> Matcher::match_now(const queue::TripEvent& event, const std::string& request_id) {
  const auto trip = co_await app_.trips.get(event.trip_id, request_id);
  if (!trip || trip->status != "requested" || trip->driver_id) {
    assignment_.count("stale");
    co_return peers::MatchAnswer{peers::MatchOutcome::not_open, std::nullopt};
  }
  co_return co_await assignment_.assign(*trip, request_id);
}

}  // namespace uitgo::driver
