#include "trip/app.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/base/log.hpp"
#include "queue/queue_config.hpp"

namespace uitgo::trip {
namespace {

// Sent rows and old idempotency keys are pruned this often.
constexpr Millis kPruneInterval{10 * 60 * 1000};

http::ClientOptions client_options(const Settings& s, const std::string& token) {
  return {.base_url = s.driver_service_url, .timeout = s.driver_service_timeout, .internal_token = token};
}

std::unique_ptr<queue::MatchQueue> make_queue(service::Runtime& runtime, redis::Client& redis, const Settings& s) {
  if (!s.async_mode) return nullptr;
  const auto qs = queue::QueueSettings::from(runtime.config());
  // trip-service only publishes: no consumer name, no blocking reads.
  return queue::make_queue(runtime.executor(), redis, qs, "", &runtime.metrics());
}

// driver_release: POST /internal/drivers/{driverId}/release {tripId}. 2xx
// (released), 404 (no such driver) and 409 (not reserved for this trip:
// already released) are final; anything else is retried.
awaitable<void> release_driver(http::Client& client, const OutboxRow& row) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(row.payload, ec);
  const auto* o = (!ec && value.is_object()) ? &value.as_object() : nullptr;
  const auto* driver = o ? o->if_contains("driverId") : nullptr;
  const auto* trip = o ? o->if_contains("tripId") : nullptr;
  if (!driver || !driver->is_string() || !trip || !trip->is_string()) {
    log::error("outbox: malformed driver_release payload dropped", {{"outboxId", row.id}});
    co_return;
  }
  std::string method = "POST";
  std::string target = "/internal/drivers/" + std::string(driver->get_string()) + "/release";
  std::string body = boost::json::serialize(boost::json::object{{"tripId", trip->get_string()}});
  std::string request_id = "outbox-" + std::to_string(row.id);
  const auto response =
      co_await client.request(std::move(method), std::move(target), std::move(body), std::move(request_id));
  if ((response.status >= 200 && response.status < 300) || response.status == 404 || response.status == 409) {
    if (response.status != 200) {
      log::info("driver release: final answer", {{"outboxId", row.id}, {"status", response.status}});
    }
    co_return;
  }
  throw UnavailableError("driver-service answered " + std::to_string(response.status) + " to a release");
}

}  // namespace

config::Spec settings_spec() {
  config::Spec s;
  s.choice("MATCHING_MODE", "async", {"async", "sync"},
           "async: trips are matched by the matcher workers through the queue (the API answers after the commit); "
           "sync: trip-service calls driver-service's POST /internal/match before answering (the baseline)")
      .string("DRIVER_SERVICE_URL", "http://127.0.0.1:8083", "driver-service base URL (internal calls)")
      .integer("DRIVER_SERVICE_TIMEOUT_MS", 2000, 10, 600000, "deadline of one call to driver-service (releases)")
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
               "interval of the maintenance pass (backlog and queue gauges, pruning, offer backstop)")
      .boolean("TRIP_FAULT_CRASH_AFTER_COMMIT", false,
               "TEST ONLY fault injection: exit(1) right after a new trip commits, before its event is published");
  s.merge(queue::queue_spec());
  return s;
}

Settings Settings::from(const config::Values& c) {
  Settings s;
  s.async_mode = c.str("MATCHING_MODE") == "async";
  s.driver_service_url = c.str("DRIVER_SERVICE_URL");
  s.driver_service_timeout = c.millis("DRIVER_SERVICE_TIMEOUT_MS");
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
  s.crash_after_commit = c.flag("TRIP_FAULT_CRASH_AFTER_COMMIT");
  return s;
}

TripApp::TripApp(service::Runtime& runtime, pg::Pool& db, pg::Pool* replica, redis::Client& redis,
                 const std::string& internal_token)
    : settings(Settings::from(runtime.config())),
      db(db),
      driver_service(runtime.executor(), client_options(settings, internal_token)),
      queue(make_queue(runtime, redis, settings)),
      relay(runtime.executor(), db, runtime.metrics(), settings.relay),
      sync(driver_service, settings.sync_timeout),
      reads(db, replica, redis, runtime.metrics(), ReadRoutingSettings::from(runtime.config())),
      trips(db, reads, relay, &sync, runtime.metrics(),
            TripSettings{.async_mode = settings.async_mode,
                         .crash_after_commit = settings.crash_after_commit,
                         .sync_timeout = settings.sync_timeout}) {}

TripApp::~TripApp() = default;

awaitable<void> TripApp::maintenance_pass(metrics::Registry& metrics, bool prune) {
  co_await reads.refresh_lag();
  const auto backlog = co_await relay.backlog();
  for (const char* kind : {"trip_match", "driver_release"}) {
    std::int64_t rows = 0;
    double oldest = 0;
    for (const auto& b : backlog) {
      if (b.kind == kind) {
        rows = b.rows;
        oldest = b.oldest_seconds;
      }
    }
    metrics.gauge("outbox_backlog", "outbox rows not delivered yet", {{"kind", kind}}).set(static_cast<double>(rows));
    metrics.gauge("outbox_oldest_pending_seconds", "age of the oldest undelivered outbox row", {{"kind", kind}})
        .set(oldest);
  }
  if (queue) {
    const auto stats = co_await queue->stats();
    queue::export_stats(stats, metrics);
  }
  if (settings.offer_backstop_seconds > 0) co_await trips.expire_stale_offers(settings.offer_backstop_seconds);
  if (prune) {
    const auto rows = co_await relay.prune(settings.outbox_retention_hours);
    const auto keys = co_await Repository::prune_keys(db, settings.idempotency_ttl_hours);
    if (rows > 0 || keys > 0) log::info("pruned", {{"outboxRows", rows}, {"idempotencyKeys", keys}});
  }
}

awaitable<void> TripApp::maintain(metrics::Registry& metrics) {
  maintenance_running.store(true);
  auto last_prune = Clock::now() - kPruneInterval;
  while (!stopping.load()) {
    const bool prune = Clock::now() - last_prune >= kPruneInterval;
    try {
      co_await maintenance_pass(metrics, prune);
      if (prune) last_prune = Clock::now();
    } catch (const std::exception& e) {
      log::warn("trip maintenance pass failed", {{"error", e.what()}});
    }
    if (stopping.load()) break;
    maintenance_timer->expires_after(settings.maintenance_interval);
    boost::system::error_code ec;
    co_await maintenance_timer->async_wait(asio::redirect_error(use_awaitable, ec));
  }
  maintenance_running.store(false);
}

void install(service::Runtime& runtime, std::shared_ptr<TripApp> app) {
  auto* a = app.get();
  if (app->settings.async_mode) {
    a->relay.add_kind(std::string(kTripMatch), [a](const OutboxRow& row) -> awaitable<void> {
      std::string body = row.payload;
      co_await a->queue->publish(std::move(body));
    });
  } else {
    a->relay.add_kind(std::string(kTripMatch),
                      [a](const OutboxRow& row) -> awaitable<void> { co_await a->trips.deliver_sync(row); });
  }
  a->relay.add_kind(std::string(kDriverRelease),
                    [a](const OutboxRow& row) -> awaitable<void> { co_await release_driver(a->driver_service, row); });

  add_routes(runtime.router(), app);

  auto strand = asio::make_strand(runtime.executor());
  a->maintenance_timer = std::make_unique<asio::steady_timer>(strand);
  auto* registry = &runtime.metrics();
  runtime.on_start([a, strand, registry]() -> awaitable<void> {
    a->relay.start();
    asio::co_spawn(strand, a->maintain(*registry), asio::detached);
    log::info("trip matching", {{"mode", a->settings.async_mode ? "async" : "sync"},
                                {"crashAfterCommit", a->settings.crash_after_commit}});
    co_return;
  });
  runtime.on_stop([a, strand, app]() -> awaitable<void> {
    a->stopping.store(true);
    asio::post(strand, [a] { a->maintenance_timer->cancel(); });
    co_await a->relay.stop();
    asio::steady_timer pause(co_await asio::this_coro::executor);
    for (int i = 0; i < 500 && a->maintenance_running.load(); ++i) {
      pause.expires_after(Millis(10));
      co_await pause.async_wait(use_awaitable);
    }
  });
}

}  // namespace uitgo::trip
