// The transactional outbox of trip-service.
//
// Whatever must reach another system because of a trip change (the match
// event, a driver release) is written as a row of `outbox` in the same
// transaction as the change, so either both commit or neither does. The relay
// then delivers the rows at least once:
//
//   outbox(id bigserial, kind, payload jsonb, created_at, sent_at,
//          attempts, next_attempt_at, last_error)
//
//   kinds: trip_match     → the TripEvent, published to the MatchQueue (async
//                           mode) or handed to driver-service's
//                           POST /internal/match (sync mode)
//          driver_release → {driverId, tripId}: POST
//                           DRIVER_SERVICE_URL/internal/drivers/{driverId}/release
//                           {tripId}; 2xx, 404 and 409 are final answers
//          trip_settlement → peers::TripSettlement of a completed trip: POST
//                           USER_SERVICE_URL/internal/wallet/trip-settlements
//                           (idempotent by trip id, so redelivery is harmless)
//          trip_notification → peers::TripNotice (trip/lifecycle/trip_notices.hpp):
//                           POST USER_SERVICE_URL/internal/notifications/trip-events
//                           (idempotent by event id)
//
// Relay (one periodic task per kind, "outbox-<kind>", so a slow
// driver-service never delays match events): each pass claims due rows with
//   UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + lease
//    WHERE id IN (SELECT id ... WHERE kind = $1 AND sent_at IS NULL
//                 AND next_attempt_at <= now() ORDER BY next_attempt_at, id
//                 LIMIT n FOR UPDATE SKIP LOCKED)
// — safe with several trip-service instances: a row is claimed by one relay
// at a time, and a relay that dies mid-delivery loses its claim when the lease
// (OUTBOX_LEASE_SECONDS) ends. Delivered rows get sent_at; a failed delivery
// gets next_attempt_at = now() + backoff (OUTBOX_RETRY_BASE_MS × 2^(attempts-1),
// capped at OUTBOX_RETRY_MAX_MS, ±20% jitter) and last_error. Sent rows are
// deleted after OUTBOX_RETENTION_HOURS.
//
// A kind may deliver several rows per call (add_kind with a batch size): the
// match events go to the queue ten at a time (SQS's SendMessageBatch), each
// row still marked sent or failed on its own.
//
// A pass drains everything due (batch after batch). notify() (called right
// after a commit that wrote rows) starts the next pass at once; otherwise the
// tasks poll every OUTBOX_POLL_MS, which is what picks up rows left by a
// process that died between commit and publish.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/base/async.hpp"
#include "core/base/metrics.hpp"
#include "core/pg/pool.hpp"
#include "core/service/runtime.hpp"

namespace uitgo::trip {

inline constexpr std::string_view kTripMatch = "trip_match";
inline constexpr std::string_view kDriverRelease = "driver_release";
inline constexpr std::string_view kTripSettlement = "trip_settlement";
inline constexpr std::string_view kTripNotification = "trip_notification";

struct OutboxRow {
  std::int64_t id = 0;
  std::string kind;
  std::string payload;  // JSON text
  int attempts = 0;     // including the current one
};

// Writes rows inside the caller's transaction.
class Outbox {
 public:
  // `delay`: not due before now + delay (sync mode's crash insurance). Returns the row id.
  static awaitable<std::int64_t> add(pg::Tx& tx, std::string_view kind, const std::string& payload,
                                     Millis delay = Millis(0));
  // Several rows of one kind in one statement, due now.
  static awaitable<void> add_many(pg::Tx& tx, std::string_view kind, const std::vector<std::string>& payloads);
  // Marks a row delivered outside the relay (sync mode answered inline).
  static awaitable<void> mark_sent(pg::Pool& db, std::int64_t id);
};

struct RelaySettings {
  Millis poll{1000};
  int batch = 100;
  Millis retry_base{500};
  Millis retry_max{30000};
  std::chrono::seconds lease{30};
};

// The delay before the next attempt after `attempts` failed ones (no jitter).
Millis retry_backoff(int attempts, Millis base, Millis max);

class OutboxRelay {
 public:
  // Throws to report a failed delivery (retried later); returns normally when done.
  using Deliver = std::function<awaitable<void>(const OutboxRow&)>;
  // Several rows at once (e.g. one SendMessageBatch): whether each one was
  // delivered (false: retried later). Throwing fails them all.
  using DeliverBatch = std::function<awaitable<std::vector<bool>>(const std::vector<OutboxRow>&)>;

  OutboxRelay(pg::Pool& db, metrics::Registry& metrics, RelaySettings settings);
  ~OutboxRelay();
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  // Registers the task delivering rows of `kind` (before runtime.run()).
  void add_kind(service::Runtime& runtime, std::string kind, Deliver deliver);
  // The same, delivering up to `batch` rows (in id order) per call.
  void add_kind(service::Runtime& runtime, std::string kind, DeliverBatch deliver, std::size_t batch);
  // Wakes the task of `kind`, or of every kind when empty (any thread).
  // Cheap; call after committing outbox rows.
  void notify(std::string_view kind = {});

  // Counts and age of the oldest unsent row, per kind (for gauges).
  struct Backlog {
    std::string kind;
    std::int64_t rows = 0;
    double oldest_seconds = 0;
  };
  awaitable<std::vector<Backlog>> backlog();
  awaitable<std::int64_t> prune(std::int64_t older_than_hours);
  // outbox_backlog / outbox_oldest_pending_seconds per kind.
  awaitable<void> export_backlog(metrics::Registry& metrics);

 private:
  struct Kind;
  awaitable<void> pass(Kind& kind);
  awaitable<std::size_t> drain(Kind& kind);
  awaitable<std::vector<bool>> deliver(Kind& kind, const std::vector<OutboxRow>& rows);
  awaitable<void> record_failure(Kind& kind, const OutboxRow& row, const std::string& error);
  metrics::Counter& failures_counter(const Kind& kind);

  pg::Pool& db_;
  metrics::Registry& metrics_;
  RelaySettings settings_;
  std::vector<std::unique_ptr<Kind>> kinds_;
};

}  // namespace uitgo::trip
