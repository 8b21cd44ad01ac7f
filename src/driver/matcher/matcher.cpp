#include "driver/matcher/matcher.hpp"

#include <algorithm>

#include "core/base/log.hpp"
#include "driver/app.hpp"
#include "driver/matcher/reservation_audit.hpp"

namespace uitgo::driver {

// One consumer of the match queue; built on its first pass (a failure there
// is retried with the task's backoff).
struct Matcher::Worker {
  std::string name;
  std::unique_ptr<queue::MatchQueue> queue;
};

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
      .integer("MATCH_RETRY_BASE_MS", 1000, 10, 600000, "first retry delay when no driver is free (doubles)")
      .integer("MATCH_RETRY_MAX_MS", 10000, 10, 600000, "longest retry delay when no driver is free");
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
          .retry_max = c.millis("MATCH_RETRY_MAX_MS")};
}

Matcher::Matcher(service::Runtime& runtime, DriverApp& app, pg::Pool& db, redis::Client& redis,
                 MatcherSettings settings)
    : app_(app),
      settings_(settings),
      metrics_(runtime.metrics()),
      queues_(runtime.executor(), redis, runtime.config(), &runtime.metrics()),
      assignment_(app, db, runtime.metrics(),
                  {.radius_meters = settings.radius_meters, .unlocated_candidates = settings.unlocated_candidates}) {
  const service::ErrorBackoff backoff{.base = settings_.retry_base, .max = settings_.retry_max};
  for (int i = 0; i < settings_.workers; ++i) {
    auto& worker = *workers_.emplace_back(std::make_unique<Worker>(Worker{.name = "w" + std::to_string(i)}));
    runtime.add_task({.name = "matcher", .period = Millis(0), .first_delay = Millis(0), .error_backoff = backoff},
                     [this, &worker] { return consume(worker); });
  }
  if (settings_.workers == 0) return;
  stats_queue_ = queues_.make("");
  runtime.add_task({.name = "match-queue-gauges", .period = Millis(2000), .first_delay = Millis(0)},
                   [this]() -> awaitable<void> {
                     const auto stats = co_await stats_queue_->stats();
                     queue::export_stats(stats, metrics_);
                   });
  log::info("matcher workers", {{"workers", settings_.workers},
                                {"unlocatedCandidates", settings_.unlocated_candidates},
                                {"offerTimeoutSeconds", settings_.offer_timeout.count()},
                                {"deadlineSeconds", settings_.match_deadline.count()}});
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
  const auto batch = co_await worker.queue->receive(1, Millis(1000));
  for (const auto& m : batch) co_await handle(*worker.queue, m);
}

awaitable<void> Matcher::handle(queue::MatchQueue& q, const queue::Message& message) {
  std::optional<queue::TripEvent> event;
  try {
    event = queue::TripEvent::from_json(message.body);
  } catch (const std::exception& e) {
    log::warn("unparseable match event", {{"id", message.id}, {"error", e.what()}});
  }
  try {
    if (!event) {
      const std::string reason = "unparseable";
      co_await q.dead_letter(message, reason);
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
    co_await settle(q, message, d);
  } catch (const std::exception& e) {
    // Left unacknowledged: redelivered after the visibility timeout.
    log::warn("matcher could not settle a message", {{"id", message.id}, {"error", e.what()}});
  }
}

awaitable<void> Matcher::settle(queue::MatchQueue& q, const queue::Message& message, Decision d) {
  if (d.step != Step::ack && message.deliveries + 1 >= queues_.settings().max_deliveries) d.step = Step::republish;
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
  if (!trip || trip->status != "requested" || event.attempt < trip->match_attempt) {
    assignment_.count("stale");
    co_return Decision{Step::ack, Millis(0)};
  }
  const auto deadline_ms = static_cast<std::int64_t>(settings_.match_deadline.count()) * 1000;
  if (trip->age_ms > deadline_ms) co_return co_await cancel_too_late(*trip, request_id);
  if (trip->driver_id) co_return co_await check_offer(*trip, request_id);
  const auto answer = co_await assignment_.assign(*trip, request_id);
  switch (answer.outcome) {
    case peers::MatchOutcome::assigned:
      co_return Decision{Step::retry, Millis(settings_.offer_timeout) + Millis(100)};
    case peers::MatchOutcome::not_open:
      co_return Decision{Step::ack, Millis(0)};
    case peers::MatchOutcome::no_driver:
      break;
  }
  // Never wait past the deadline: the cancel should come on time.
  auto delay = backoff(message.deliveries);
  const Millis to_deadline(deadline_ms - trip->age_ms + 100);
  delay = std::max(Millis(100), std::min(delay, to_deadline));
  co_return Decision{Step::retry_backoff, delay};
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
