// Matcher workers (driver-service): MATCHER_WORKERS periodic tasks named
// "matcher" (period 0: each pass waits on the queue for up to a second), each
// its own MatchQueue consumer, deciding what to do with every TripEvent from
// trip-service's current view of the trip (peers/trip_client.hpp); plus
// POST /internal/match, the same assignment inline for MATCHING_MODE=sync.
//
// Per message (async mode):
//   unparseable body                       → dead_letter
//   GET /internal/trips/{id}: 404          → ack (stale)
//     status != requested                  → ack (stale)
//     event.attempt < matchAttempt         → ack (stale: a newer event exists)
//     ageMs > MATCH_DEADLINE_SECONDS       → cancel {reason: no_driver}, ack
//     pending offer older than OFFER_TIMEOUT_SECONDS
//                                          → offer-expired, ack (trip-service
//                                            publishes the re-match event itself)
//     pending offer younger                → retry_later(what is left of the timeout)
//   assignment.hpp: assigned → retry_later(OFFER_TIMEOUT) to check the
//   timeout later; not_open → ack; nobody free → retry_later by how long
//   the trip has waited (retry_schedule.hpp: MATCH_RETRY_BASE_MS doubling to
//   MATCH_RETRY_MAX_MS, never past the deadline). trip-service errors →
//   retry_later with backoff by delivery count.
// A message about to reach MATCH_MAX_DELIVERIES is re-published fresh and
// acknowledged instead of retried, so a long MATCH_DEADLINE_SECONDS never
// sends a trip still waiting for a driver to the dead-letter queue.
//
// Batches: a worker receives up to MATCH_BATCH messages at once. Two or more
// are decided together: their trips are read in one call
// (POST /internal/trips/lookup) and the trips to assign get their offers in
// one call (Assignment::assign_many); every message is then settled by the
// same rules as above, the acks and retries of the batch in one queue call
// (MatchQueue::settle_many).
//
// Waiting trips (waiting_trips.hpp): a trip left waiting because nobody was
// free is parked with its event's wake token after the settlement, and
// unparked when a later delivery settles it otherwise (or re-publishes it);
// wake_for(driver) — called when a driver goes online or is released, or a
// free driver's ping brings it within reach of a parked trip — wakes the
// parked trip nearest to that driver (one never offered to it), so it is
// matched at once rather than at its next retry.
//
// Shutdown: the runtime stops the tasks; a message in hand is finished (or,
// if that fails, left unacknowledged for redelivery).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/config.hpp"
#include "core/base/log.hpp"
#include "core/pg/pool.hpp"
#include "core/redis/client.hpp"
#include "core/service/runtime.hpp"
#include "driver/matcher/assignment.hpp"
#include "driver/matcher/waiting_trips.hpp"
#include "peers/internal_trip.hpp"
#include "queue/match_queue.hpp"
#include "queue/queue_config.hpp"
#include "queue/trip_event.hpp"

namespace uitgo::driver {

struct DriverApp;

// MATCHER_WORKERS, OFFER_TIMEOUT_SECONDS, MATCH_DEADLINE_SECONDS,
// MATCH_RADIUS_METERS, MATCH_UNLOCATED_DRIVERS, MATCH_RETRY_BASE_MS, MATCH_RETRY_MAX_MS
// (+ queue::queue_spec(), reservation_audit_spec()).
config::Spec matcher_spec();

struct MatcherSettings {
  int workers = 2;
  std::chrono::seconds offer_timeout{15};
  std::chrono::seconds match_deadline{120};
  double radius_meters = 3000;
  bool unlocated_candidates = true;
  Millis retry_base{1000};
  Millis retry_max{10000};
  int batch = 16;
  static MatcherSettings from(const config::Values& config);
};

class Matcher {
 public:
  // Registers the worker tasks and the queue gauges' task on `runtime`.
  Matcher(service::Runtime& runtime, DriverApp& app, pg::Pool& db, redis::Client& redis, MatcherSettings settings);
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // Sync mode: search, reserve and offer inline. Throws on trip-service errors.
  awaitable<peers::MatchAnswer> match_now(const queue::TripEvent& event, const std::string& request_id);
  // `driver_id` became free (or moved near a waiting trip): wakes the waiting
  // trip nearest to it, if any
  // (a claimed trip whose event was delivered meanwhile: the next one, up to
  // three). Throws on Redis or queue errors.
  awaitable<void> wake_for(const std::string& driver_id);

 private:
  struct Worker;
  enum class Step { ack, retry, retry_backoff, republish };
  struct Decision {
    Step step = Step::ack;
    Millis delay{0};
    std::optional<ParkedTrip> waiting;  // nobody was free: park the trip (its token comes at settling)
  };

  awaitable<void> consume(Worker& worker);
  struct Item;
  awaitable<void> handle(queue::MatchQueue& queue, const queue::Message& message);
  awaitable<void> handle_batch(queue::MatchQueue& queue, const std::vector<queue::Message>& messages);
  awaitable<void> decide_batch(std::vector<Item>& items);
  awaitable<void> assign_batch(std::vector<Item*>& pending);
  awaitable<Decision> decide(const queue::TripEvent& event, const queue::Message& message);
  // Everything but the assignment; nullopt: assign a driver.
  awaitable<std::optional<Decision>> decide_before_assigning(const queue::TripEvent& event,
                                                             const peers::InternalTrip* trip,
                                                             const std::string& request_id);
  Decision after_assignment(const peers::MatchAnswer& answer, const peers::InternalTrip& trip) const;
  // False when settling failed (logged; the message is redelivered).
  awaitable<bool> settle_logged(queue::MatchQueue& queue, const queue::Message& message, Decision decision);
  awaitable<Decision> check_offer(const peers::InternalTrip& trip, const std::string& request_id);
  awaitable<Decision> cancel_too_late(const peers::InternalTrip& trip, const std::string& request_id);
  awaitable<void> settle(queue::MatchQueue& queue, const queue::Message& message, Decision decision);
  awaitable<void> settle_batch(queue::MatchQueue& queue, const std::vector<Item>& items);
  Decision final_decision(const queue::Message& message, Decision decision) const;
  // Parks and unparks the trips of settled messages; failures are logged
  // (a trip not parked still gets its retry).
  struct Settled {
    const queue::Message* message = nullptr;
    const queue::TripEvent* event = nullptr;
    Decision decision;  // as final_decision made it
  };
  awaitable<void> note_waiting(const queue::MatchQueue& queue, const std::vector<Settled>& settled);
  Millis backoff(int deliveries) const;

  DriverApp& app_;
  MatcherSettings settings_;
  metrics::Registry& metrics_;
  queue::QueueFactory queues_;
  Assignment assignment_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<queue::MatchQueue> control_queue_;  // gauges and wakes: no consumer
  WaitingTrips waiting_;
  metrics::Counter& woken_;
  metrics::Counter& wake_misses_;
  log::Throttle waiting_warnings_{std::chrono::seconds(10)};
};

}  // namespace uitgo::driver
