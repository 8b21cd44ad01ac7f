#include "trip/app.hpp"

#include "core/service/user_limits.hpp"

#include "core/base/log.hpp"
#include "core/service/peers.hpp"
#include "queue/queue_config.hpp"
#include "trip/matching/match_events.hpp"

namespace uitgo::trip {
namespace {

// Match events per publish: a claimed batch of the relay at once (Redis: one
// pipeline; SQS: SendMessageBatch requests of ten).
constexpr std::size_t kMatchPublishBatch = 100;
// Trip notifications per call to user-service (peers::kMaxNoticeBatch at most).
constexpr std::size_t kNoticeBatch = 50;

// Sent outbox rows and old idempotency keys are pruned this often.
constexpr Millis kPruneInterval{10 * 60 * 1000};

std::unique_ptr<queue::MatchQueue> make_queue(service::Runtime& runtime, redis::Client& redis, const Settings& s) {
  if (!s.async_mode) return nullptr;
  // trip-service only publishes: no consumer name, no blocking reads.
  const queue::QueueFactory queues(runtime.executor(), redis, runtime.config(), &runtime.metrics());
  return queues.make("");
}

// driver_release rows: 2xx (released), 404 (no such driver) and 409 (not
// reserved for this trip: already released) are final; anything else throws
// and the row is retried.
awaitable<void> release_driver(peers::DriverClient& drivers, const OutboxRow& row) {
  const auto order = parse_release_payload(row.payload);
  if (!order) {
    log::error("outbox: malformed driver_release payload dropped", {{"outboxId", row.id}});
    co_return;
  }
  const std::string request_id = "outbox-" + std::to_string(row.id);
  const auto result = co_await drivers.release(order->driver_id, order->trip_id, request_id);
  if (result != peers::ReleaseResult::released) {
    log::info("driver release: final answer", {{"outboxId", row.id}, {"released", false}});
  }
}

// trip_settlement rows: user-service keys the ledger by trip id, so a
// redelivery (or the publish_twice fault point's second call) moves nothing.
awaitable<void> settle_trip(peers::UserClient& users, const OutboxRow& row, bool twice) {
  std::optional<peers::TripSettlement> settlement;
  try {
    settlement = peers::TripSettlement::from_json(row.payload);
  } catch (const std::exception& e) {
    log::error("outbox: malformed trip_settlement payload dropped", {{"outboxId", row.id}, {"error", e.what()}});
  }
  if (!settlement) co_return;
  const std::string request_id = "outbox-" + std::to_string(row.id);
  const auto result = co_await users.settle_trip(*settlement, request_id);
  if (twice) co_await users.settle_trip(*settlement, request_id);
  log::info("trip settlement delivered",
            {{"tripId", settlement->trip_id}, {"outboxId", row.id}, {"applied", result.applied}});
}

// trip_notification rows: user-service keys the inbox by event id, so a
// redelivery inserts nothing. A notification never holds up a trip: the row
// waits in the outbox while user-service is away.
// Up to kNoticeBatch rows per call to user-service (fewer when their texts
// are long: peers::notice_batches). A malformed payload can never be
// delivered: it is dropped (logged) and counts as done.
awaitable<std::vector<bool>> notify_users(peers::UserClient& users, const std::vector<OutboxRow>& rows) {
  std::vector<peers::TripNotice> notices;
  for (const auto& row : rows) {
    try {
      notices.push_back(peers::TripNotice::from_json(row.payload));
    } catch (const std::exception& e) {
      log::error("outbox: malformed trip_notification payload dropped", {{"outboxId", row.id}, {"error", e.what()}});
    }
  }
  // A failed call fails every row of the pass; the ones delivered already
  // are applied once anyway (idempotent by event id).
  const std::string request_id = "outbox-" + std::to_string(rows.front().id);
  for (const auto& batch : peers::notice_batches(std::move(notices), kNoticeBatch)) {
    const auto results = co_await users.notify_trip_events(batch, request_id);
    log::debug("trip notifications delivered", {{"notices", results.size()}});
  }
  co_return std::vector<bool>(rows.size(), true);
}

void add_deliveries(service::Runtime& runtime, TripApp& app) {
  if (app.settings.async_mode) {
    const bool twice = app.settings.faults.on("publish_twice");
    app.relay.add_kind(
        runtime, std::string(kTripMatch),
        [&app, twice](const std::vector<OutboxRow>& rows) -> awaitable<std::vector<bool>> {
          std::vector<std::string> bodies;
          for (const auto& row : rows) {
            bodies.push_back(row.payload);
            if (twice) bodies.push_back(row.payload);  // fault point: every event duplicated
          }
          const auto ids = co_await app.queue->publish_batch(bodies);
          std::vector<bool> delivered(rows.size(), true);
          const std::size_t per_row = twice ? 2 : 1;
          for (std::size_t i = 0; i < ids.size(); ++i) {
            if (ids[i].empty()) delivered[i / per_row] = false;
          }
          co_return delivered;
        },
        kMatchPublishBatch);
  } else {
    app.relay.add_kind(runtime, std::string(kTripMatch),
                       [&app](const OutboxRow& row) { return app.sync.deliver(row); });
  }
  app.relay.add_kind(runtime, std::string(kDriverRelease),
                     [&app](const OutboxRow& row) { return release_driver(app.drivers, row); });
  const bool twice = app.settings.faults.on("publish_twice");
  app.relay.add_kind(runtime, std::string(kTripSettlement),
                     [&app, twice](const OutboxRow& row) { return settle_trip(*app.users, row, twice); });
  app.relay.add_kind(
      runtime, std::string(kTripNotification),
      [&app](const std::vector<OutboxRow>& rows) { return notify_users(*app.users, rows); }, kNoticeBatch);
}

// Gauges (replica lag, outbox backlog, queue depth), the offer backstop and pruning.
void add_maintenance(service::Runtime& runtime, TripApp& app) {
  auto* metrics = &runtime.metrics();
  const auto every = app.settings.maintenance_interval;
  runtime.add_task({.name = "trip-gauges", .period = every, .first_delay = Millis(0)},
                   [&app, metrics]() -> awaitable<void> {
                     co_await app.reads.refresh_lag();
                     co_await app.relay.export_backlog(*metrics);
                     if (!app.queue) co_return;
                     const auto stats = co_await app.queue->stats();
                     queue::export_stats(stats, *metrics);
                   });
  if (app.settings.offer_backstop_seconds > 0) {
    runtime.add_task(
        {.name = "offer-backstop", .period = every, .first_delay = Millis(0)},
        [&app]() -> awaitable<void> { co_await app.offers.expire_stale_offers(app.settings.offer_backstop_seconds); });
  }
  runtime.add_task({.name = "trip-prune", .period = kPruneInterval, .first_delay = every}, [&app]() -> awaitable<void> {
    const auto rows = co_await app.relay.prune(app.settings.outbox_retention_hours);
    const auto keys = co_await TripStore::prune_keys(app.db, app.settings.idempotency_ttl_hours);
    if (rows > 0 || keys > 0) log::info("pruned", {{"outboxRows", rows}, {"idempotencyKeys", keys}});
  });
}

}  // namespace

config::Spec settings_spec() {
  config::Spec s;
  s.choice("MATCHING_MODE", "async", {"async", "sync"},
           "async: trips are matched by the matcher workers through the queue (the API answers after the commit); "
           "sync: trip-service calls driver-service's POST /internal/match before answering (the baseline)")
      .integer("MATCH_SYNC_TIMEOUT_MS", 3000, 10, 600000,
               "MATCHING_MODE=sync: deadline of the inline POST /internal/match call")
      .integer("OUTBOX_POLL_MS", 1000, 10, 600000,
               "how often the outbox relay looks for due rows when nothing woke it (crash recovery, retries)")
      .integer("OUTBOX_BATCH_SIZE", 100, 1, 10000, "outbox rows claimed per relay pass")
      .integer("OUTBOX_RETRY_BASE_MS", 500, 1, 600000, "first retry delay of a failed outbox delivery (doubles)")
      .integer("OUTBOX_RETRY_MAX_MS", 30000, 1, 3600000, "longest retry delay of a failed outbox delivery")
      .integer("OUTBOX_LEASE_SECONDS", 30, 1, 3600,
               "a claimed row is retried by any relay if not delivered within this time (relay died)")
      .integer("OUTBOX_RETENTION_HOURS", 24, 1, 8760, "sent outbox rows are deleted after this long")
      .integer("IDEMPOTENCY_KEY_TTL_HOURS", 24, 1, 8760, "an Idempotency-Key is remembered this long")
      .integer("OFFER_EXPIRY_BACKSTOP_SECONDS", 60, 0, 86400,
               "an offer still pending after this long is expired by trip-service itself (in case the matcher "
               "that made it died); 0 disables")
      .integer("TRIP_MAINTENANCE_MS", 5000, 100, 600000,
               "interval of the maintenance tasks (backlog and queue gauges, replica lag, offer backstop)")
      .integer("MATCH_REDRIVE_SECONDS", 60, 1, 86400,
               "a requested trip without a pending offer that no matcher read for this long (and whose event was "
               "not re-published for as long) gets its match event published again; keep it above "
               "MATCH_RETRY_MAX_MS, so trips the matchers are retrying are left alone")
      .integer("MATCH_REDRIVE_BATCH", 200, 1, 100000, "trips re-published per sweep at most")
      .integer("MAX_OPEN_TRIPS_PER_RIDER", 1, 0, 1000,
               "open trips (requested ... in_ride) a rider may hold at once; one more POST /v1/trips answers 409 "
               "trip_in_progress (an Idempotency-Key replay still 201); 0 = unlimited")
      .integer("CREATE_BATCH", 32, 1, 1000,
               "trips created by one statement at most: creates without an Idempotency-Key that arrive while "
               "CREATE_BATCHES_IN_FLIGHT statements run share the next one (1 = one statement per trip)")
      .integer("CREATE_BATCHES_IN_FLIGHT", 4, 1, 1000, "creating statements running at once (each a batch of trips)")
      .boolean("WALLET_REQUIRED", false,
               "true: POST /v1/trips answers 402 insufficient_balance when the rider's wallet (user-service, "
               "USER_SERVICE_TIMEOUT_MS) does not cover the fare estimate; 503 when user-service does not answer")
      .integer("MATCH_SWEEP_SECONDS", 5, 1, 3600,
               "how often trip-service re-publishes quiet trips and cancels trips past MATCH_DEADLINE_SECONDS");
  s.merge(queue::queue_spec()).merge(faults_spec());
  return s;
}

Settings Settings::from(const config::Values& c) {
  Settings s;
  s.async_mode = c.str("MATCHING_MODE") == "async";
  s.sync_timeout = c.millis("MATCH_SYNC_TIMEOUT_MS");
  s.relay = RelaySettings{.poll = c.millis("OUTBOX_POLL_MS"),
                          .batch = static_cast<int>(c.integer("OUTBOX_BATCH_SIZE")),
                          .retry_base = c.millis("OUTBOX_RETRY_BASE_MS"),
                          .retry_max = c.millis("OUTBOX_RETRY_MAX_MS"),
                          .lease = std::chrono::seconds(c.integer("OUTBOX_LEASE_SECONDS"))};
  s.outbox_retention_hours = c.integer("OUTBOX_RETENTION_HOURS");
  s.idempotency_ttl_hours = c.integer("IDEMPOTENCY_KEY_TTL_HOURS");
  s.offer_backstop_seconds = c.integer("OFFER_EXPIRY_BACKSTOP_SECONDS");
  s.maintenance_interval = c.millis("TRIP_MAINTENANCE_MS");
  s.sweep = SweepSettings{.deadline_seconds = c.integer("MATCH_DEADLINE_SECONDS"),
                          .redrive_seconds = c.integer("MATCH_REDRIVE_SECONDS"),
                          .batch = static_cast<int>(c.integer("MATCH_REDRIVE_BATCH")),
                          .period = std::chrono::seconds(c.integer("MATCH_SWEEP_SECONDS"))};
  s.faults = Faults::from(c, {"crash_after_commit", "publish_twice"});
  s.max_open_trips = service::per_user_limits_lifted(c) ? 0 : c.integer("MAX_OPEN_TRIPS_PER_RIDER");
  s.create_batch = InsertBatchSettings{.max_batch = static_cast<std::size_t>(c.integer("CREATE_BATCH")),
                                       .in_flight = static_cast<std::size_t>(c.integer("CREATE_BATCHES_IN_FLIGHT")),
                                       .max_wait = c.millis("PG_ACQUIRE_TIMEOUT_MS")};
  return s;
}

TripApp::TripApp(service::Runtime& runtime, pg::Pool& db, pg::Pool* replica, redis::Client& redis,
                 const std::string& internal_token)
    : settings(Settings::from(runtime.config())),
      db(db),
      drivers(runtime.executor(), service::peer_options(runtime.config(), "DRIVER_SERVICE", internal_token)),
      queue(make_queue(runtime, redis, settings)),
      relay(db, runtime.metrics(), settings.relay),
      reads(db, replica, redis, runtime.metrics(), ReadRoutingSettings::from(runtime.config())),
      changes(reads, relay),
      trips(runtime.executor(), db, reads, changes, runtime.metrics(),
            LifecycleSettings{.async_mode = settings.async_mode,
                              .crash_after_commit = settings.faults.on("crash_after_commit"),
                              .sync_timeout = settings.sync_timeout,
                              .max_open_trips = settings.max_open_trips,
                              .batch = settings.create_batch}),
      offers(db, changes, runtime.metrics()),
      sync(db, drivers, offers, runtime.metrics(), settings.sync_timeout),
      sweep(runtime, db, offers, relay, settings.sweep) {
  if (!settings.async_mode) trips.set_sync_matching(&sync);
}

TripApp::~TripApp() = default;

std::shared_ptr<TripApp> install(service::Runtime& runtime, pg::Pool& db, pg::Pool* replica, redis::Client& redis,
                                 const std::string& internal_token) {
  auto app = std::make_shared<TripApp>(runtime, db, replica, redis, internal_token);
  app->live = std::make_unique<LiveTracking>(runtime, *app, redis, LiveSettings::from(runtime.config()));
  app->users = std::make_unique<peers::UserClient>(
      runtime.executor(), service::peer_options(runtime.config(), "USER_SERVICE", internal_token));
  app->dispatch = std::make_unique<Dispatch>(db, app->trips, app->offers, app->drivers, *app->users);
  app->directions =
      std::make_unique<Directions>(runtime.executor(), runtime.metrics(), RoutingSettings::from(runtime.config()));
  if (runtime.config().flag("WALLET_REQUIRED")) app->trips.require_wallet(app->users.get());
  add_deliveries(runtime, *app);
  add_maintenance(runtime, *app);
  add_routes(runtime.router(), app);
  log::info("trip matching", {{"mode", app->settings.async_mode ? "async" : "sync"},
                              {"redriveSeconds", app->settings.sweep.redrive_seconds},
                              {"deadlineSeconds", app->settings.sweep.deadline_seconds}});
  return app;
}

}  // namespace uitgo::trip
