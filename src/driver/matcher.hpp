// Matcher workers (driver-service): consume TripEvents from the MatchQueue and
// assign drivers through trip-service's internal API (see the header comment
// of src/trip/routes.cpp for the contracts), plus POST /internal/match, the
// same core logic inline for MATCHING_MODE=sync (contract: trip/sync_match.hpp).
//
// Per message (async mode):
//   unparseable body                       → dead_letter
//   GET /internal/trips/{id}: 404          → ack (stale)
//     status != requested                  → ack (stale)
//     event.attempt < matchAttempt         → ack (stale: a newer event exists)
//     ageMs > MATCH_DEADLINE_SECONDS       → POST /cancel {reason: no_driver}, ack
//     pending offer older than OFFER_TIMEOUT_SECONDS
//                                          → POST /offer-expired, ack (trip-service
//                                            publishes the re-match event itself)
//     pending offer younger                → retry_later(what is left of the timeout)
//   search the nearest free drivers (no coordinates: the free driver waiting
//   longest, i.e. online the longest without a trip), skip excludedDriverIds,
//   reserve atomically (DriverIndex::reserve + drivers.current_trip_id), POST
//   /offer; 409 driver_excluded → release, next candidate; other 409/404 →
//   release, ack; 200 → retry_later(OFFER_TIMEOUT) to check the timeout later.
//   Nobody free → retry_later with backoff (1 s doubling to 10 s, never past
//   the deadline). trip-service errors → retry_later with backoff.
// A message about to reach MATCH_MAX_DELIVERIES is re-published fresh and
// acknowledged instead of retried, so a long MATCH_DEADLINE_SECONDS never
// sends a trip still waiting for a driver to the dead-letter queue.
//
// Shutdown: stop() makes the workers stop receiving; messages in hand are
// finished (or, if that fails, left unacknowledged for redelivery).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/config.hpp"
#include "core/base/metrics.hpp"
#include "core/http/client.hpp"
#include "core/pg/pool.hpp"
#include "core/redis/client.hpp"
#include "core/service/runtime.hpp"
#include "driver/app.hpp"
#include "driver/reservation_audit.hpp"
#include "queue/match_queue.hpp"
#include "queue/queue_config.hpp"
#include "queue/trip_event.hpp"

namespace uitgo::driver {

// MATCHER_WORKERS, TRIP_SERVICE_URL, TRIP_SERVICE_TIMEOUT_MS,
// OFFER_TIMEOUT_SECONDS, MATCH_DEADLINE_SECONDS, MATCH_RADIUS_METERS,
// MATCH_RETRY_BASE_MS, MATCH_RETRY_MAX_MS (+ queue::queue_spec(),
// reservation_audit_spec()).
config::Spec matcher_spec();

struct MatcherSettings {
  int workers = 2;
  std::string trip_service_url = "http://127.0.0.1:8082";
  Millis trip_timeout{2000};
  std::chrono::seconds offer_timeout{15};
  std::chrono::seconds match_deadline{120};
  double radius_meters = 3000;
  Millis retry_base{1000};
  Millis retry_max{10000};
  AuditSettings audit;
  static MatcherSettings from(const config::Values& config);
};

enum class MatchOutcome { assigned, no_driver, not_open };

struct MatchResult {
  MatchOutcome outcome = MatchOutcome::no_driver;
  std::optional<std::string> driver_id;
};

class Matcher {
 public:
  Matcher(service::Runtime& runtime, std::shared_ptr<DriverApp> app, pg::Pool& db, redis::Client& redis,
          MatcherSettings settings, queue::QueueSettings queue_settings, std::string internal_token);
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  void start();
  awaitable<void> stop();

  // Sync mode: search, reserve and offer inline. Throws on trip-service errors.
  awaitable<MatchResult> match_now(const queue::TripEvent& event, const std::string& request_id);

 private:
  struct Trip;
  enum class Step { ack, retry, retry_backoff, republish };
  struct Decision {
    Step step = Step::ack;
    Millis delay{0};
  };

  awaitable<void> worker(int index);
  awaitable<void> handle(queue::MatchQueue& queue, const queue::Message& message);
  awaitable<Decision> decide(const queue::TripEvent& event, const queue::Message& message);
  awaitable<std::optional<Trip>> fetch_trip(const std::string& id, const std::string& request_id);
  awaitable<MatchResult> assign(const Trip& trip, const std::string& request_id);
  awaitable<std::vector<std::string>> candidates(const Trip& trip);
  awaitable<bool> reserve(const std::string& driver_id, const std::string& trip_id);
  awaitable<void> release(const std::string& driver_id, const std::string& trip_id);
  awaitable<http::ClientResponse> post(const std::string& target, const std::string& body,
                                       const std::string& request_id);
  Millis backoff(int deliveries) const;
  void count(const char* outcome);

  asio::any_io_executor executor_;
  std::shared_ptr<DriverApp> app_;
  pg::Pool& db_;
  redis::Client& redis_;
  MatcherSettings settings_;
  queue::QueueSettings queue_settings_;
  metrics::Registry& metrics_;
  http::Client trips_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> running_{0};
  metrics::Histogram& time_to_assign_;
  ReservationAudit audit_;  // uses trips_: declared after it
};

// Registers POST /internal/match, and starts/stops the workers with the runtime.
void install_matcher(service::Runtime& runtime, std::shared_ptr<Matcher> matcher);

}  // namespace uitgo::driver
