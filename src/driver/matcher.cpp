#include "driver/matcher.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <set>

#include "core/base/errors.hpp"
#include "core/base/log.hpp"
#include "driver/route_helpers.hpp"
#include "driver/search_query.hpp"
#include "driver/timestamps.hpp"

namespace uitgo::driver {

namespace json = boost::json;

config::Spec matcher_spec() {
  config::Spec s;
  s.integer("MATCHER_WORKERS", 2, 0, 256, "matcher worker coroutines per driver-service process (0 = none)")
      .string("TRIP_SERVICE_URL", "http://127.0.0.1:8082", "trip-service base URL (the matcher's internal calls)")
      .integer("TRIP_SERVICE_TIMEOUT_MS", 2000, 10, 60000, "deadline of one matcher call to trip-service")
      .integer("OFFER_TIMEOUT_SECONDS", 15, 1, 3600,
               "an offer not accepted within this time is withdrawn and the trip offered to the next driver")
      .integer("MATCH_DEADLINE_SECONDS", 120, 1, 86400,
               "a trip without a driver after this long is cancelled with reason no_driver")
      .integer("MATCH_RADIUS_METERS", 3000, 1, 20000, "how far from the pickup the matcher looks for drivers")
      .integer("MATCH_RETRY_BASE_MS", 1000, 10, 600000, "first retry delay when no driver is free (doubles)")
      .integer("MATCH_RETRY_MAX_MS", 10000, 10, 600000, "longest retry delay when no driver is free");
  s.merge(queue::queue_spec()).merge(reservation_audit_spec());
  return s;
}

MatcherSettings MatcherSettings::from(const config::Values& c) {
  return {.workers = static_cast<int>(c.integer("MATCHER_WORKERS")),
          .trip_service_url = c.str("TRIP_SERVICE_URL"),
          .trip_timeout = c.millis("TRIP_SERVICE_TIMEOUT_MS"),
          .offer_timeout = std::chrono::seconds(c.integer("OFFER_TIMEOUT_SECONDS")),
          .match_deadline = std::chrono::seconds(c.integer("MATCH_DEADLINE_SECONDS")),
          .radius_meters = static_cast<double>(c.integer("MATCH_RADIUS_METERS")),
          .retry_base = c.millis("MATCH_RETRY_BASE_MS"),
          .retry_max = c.millis("MATCH_RETRY_MAX_MS"),
          .audit = AuditSettings::from(c)};
}

// The fields of GET /internal/trips/{id} the matcher uses.
struct Matcher::Trip {
  std::string id;
  std::string status;
  std::optional<std::string> driver_id;
  std::optional<double> origin_lat;
  std::optional<double> origin_lng;
  int match_attempt = 1;
  std::int64_t age_ms = 0;
  std::optional<std::int64_t> offer_age_ms;
  std::set<std::string> excluded;
};

namespace {

std::optional<double> opt_double(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return v->to_number<double>();
}

std::optional<std::int64_t> opt_int(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return v->to_number<std::int64_t>();
}

std::optional<std::string> opt_str(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

std::string error_code(const http::ClientResponse& r) {
  try {
    const auto v = json::parse(r.body);
    if (v.is_object()) return opt_str(v.as_object(), "code").value_or("");
  } catch (const std::exception&) {
  }
  return "";
}

json::object parse_object(const http::ClientResponse& r, const char* what) {
  try {
    auto v = json::parse(r.body);
    if (v.is_object()) return std::move(v.as_object());
  } catch (const std::exception&) {
  }
  throw UnavailableError(std::string("trip-service answered ") + what + " with a malformed body");
}

constexpr const char* kLongestWaiting =
    "SELECT id::text AS id FROM drivers WHERE availability = 'online' AND current_trip_id IS NULL"
    " ORDER BY free_since, id LIMIT 50";

}  // namespace

Matcher::Matcher(service::Runtime& runtime, std::shared_ptr<DriverApp> app, pg::Pool& db, redis::Client& redis,
                 MatcherSettings settings, queue::QueueSettings queue_settings, std::string internal_token)
    : executor_(runtime.executor()),
      app_(std::move(app)),
      db_(db),
      redis_(redis),
      settings_(std::move(settings)),
      queue_settings_(std::move(queue_settings)),
      metrics_(runtime.metrics()),
      trips_(runtime.executor(), http::ClientOptions{.base_url = settings_.trip_service_url,
                                                     .timeout = settings_.trip_timeout,
                                                     .max_idle = 32,
                                                     .internal_token = std::move(internal_token)}),
      time_to_assign_(metrics_.histogram("matcher_time_to_assignment_seconds",
                                         "from trip creation to the first offer made by the matcher")),
      audit_(runtime.executor(), app_, trips_, metrics_, settings_.audit) {
  for (const char* o : {"assigned", "no_driver", "cancelled", "error", "stale"}) {
    metrics_.counter("matcher_outcomes_total", "matcher decisions by outcome", {{"outcome", o}});
  }
}

void Matcher::count(const char* outcome) {
  metrics_.counter("matcher_outcomes_total", "matcher decisions by outcome", {{"outcome", outcome}}).inc();
}

void Matcher::start() {
  for (int i = 0; i < settings_.workers; ++i) {
    running_.fetch_add(1);
    asio::co_spawn(executor_, worker(i), asio::detached);
  }
  audit_.start();
  log::info("matcher workers started", {{"workers", settings_.workers},
                                        {"offerTimeoutSeconds", settings_.offer_timeout.count()},
                                        {"deadlineSeconds", settings_.match_deadline.count()}});
}

awaitable<void> Matcher::stop() {
  stopping_ = true;
  co_await audit_.stop();
  // Workers notice within one receive wait (1 s) plus the message in hand.
  asio::steady_timer pause(executor_);
  const auto until = Clock::now() + std::chrono::seconds(15);
  while (running_.load() > 0 && Clock::now() < until) {
    pause.expires_after(Millis(50));
    boost::system::error_code ec;
    co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
  }
  log::info("matcher workers stopped", {{"stillRunning", running_.load()}});
}

Millis Matcher::backoff(int deliveries) const {
  auto delay = settings_.retry_base;
  for (int i = 1; i < deliveries && delay < settings_.retry_max; ++i) delay *= 2;
  return std::min(delay, settings_.retry_max);
}

awaitable<void> Matcher::worker(int index) {
  std::unique_ptr<queue::MatchQueue> q;
  try {
    q = queue::make_redis_queue(executor_, redis_, queue_settings_, queue::consumer_name("w" + std::to_string(index)),
                                &metrics_);
  } catch (const std::exception& e) {
    log::error("matcher worker could not build its queue", {{"error", e.what()}});
    running_.fetch_sub(1);
    co_return;
  }
  asio::steady_timer pause(executor_);
  int failures = 0;
  auto last_stats = Clock::now() - std::chrono::hours(1);
  while (!stopping_) {
    std::vector<queue::Message> batch;
    bool failed = false;
    try {
      batch = co_await q->receive(1, Millis(1000));
      failures = 0;
    } catch (const std::exception& e) {
      failed = true;
      ++failures;
      log::warn("matcher receive failed", {{"error", e.what()}, {"failures", failures}});
    }
    if (failed) {
      pause.expires_after(backoff(failures));
      boost::system::error_code ec;
      co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    for (const auto& m : batch) co_await handle(*q, m);
    if (index == 0 && Clock::now() - last_stats > std::chrono::seconds(2)) {
      last_stats = Clock::now();
      try {
        const auto stats = co_await q->stats();
        queue::export_stats(stats, metrics_);
      } catch (const std::exception&) {
      }
    }
  }
  running_.fetch_sub(1);
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
      count("error");
      log::warn("matcher failed; retrying", {{"tripId", event->trip_id}, {"error", e.what()}});
      d = {Step::retry_backoff, backoff(message.deliveries)};
    }
    if (d.step != Step::ack && message.deliveries + 1 >= queue_settings_.max_deliveries) d.step = Step::republish;
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
  } catch (const std::exception& e) {
    // Left unacknowledged: redelivered after the visibility timeout.
    log::warn("matcher could not settle a message", {{"id", message.id}, {"error", e.what()}});
  }
}

awaitable<std::optional<Matcher::Trip>> Matcher::fetch_trip(const std::string& id, const std::string& request_id) {
  const std::string target = "/internal/trips/" + id;
  const auto r = co_await trips_.request("GET", target, "", request_id);
  if (r.status == 404) co_return std::nullopt;
  if (r.status != 200) throw UnavailableError("trip-service GET trip answered " + std::to_string(r.status));
  const auto o = parse_object(r, "GET trip");
  Trip t;
  t.id = opt_str(o, "id").value_or(id);
  t.status = opt_str(o, "status").value_or("");
  t.driver_id = opt_str(o, "driverId");
  t.origin_lat = opt_double(o, "originLat");
  t.origin_lng = opt_double(o, "originLng");
  t.match_attempt = static_cast<int>(opt_int(o, "matchAttempt").value_or(1));
  t.age_ms = opt_int(o, "ageMs").value_or(0);
  t.offer_age_ms = opt_int(o, "offerAgeMs");
  if (const auto* ex = o.if_contains("excludedDriverIds"); ex != nullptr && ex->is_array()) {
    for (const auto& v : ex->as_array()) {
      if (v.is_string()) t.excluded.insert(std::string(v.as_string()));
    }
  }
  co_return t;
}

awaitable<http::ClientResponse> Matcher::post(const std::string& target, const std::string& body,
                                              const std::string& request_id) {
  co_return co_await trips_.request("POST", target, body, request_id);
}

awaitable<Matcher::Decision> Matcher::decide(const queue::TripEvent& event, const queue::Message& message) {
  const std::string request_id = "match-" + message.id;
  const auto trip = co_await fetch_trip(event.trip_id, request_id);
  if (!trip || trip->status != "requested" || event.attempt < trip->match_attempt) {
    count("stale");
    co_return Decision{Step::ack, Millis(0)};
  }
  const auto deadline_ms = static_cast<std::int64_t>(settings_.match_deadline.count()) * 1000;
  if (trip->age_ms > deadline_ms) {
    const json::object body{{"reason", "no_driver"}};
    const std::string text = json::serialize(body);
    const std::string target = "/internal/trips/" + trip->id + "/cancel";
    const auto r = co_await post(target, text, request_id);
    if (r.status != 200 && r.status != 404 && r.status != 409) {
      throw UnavailableError("trip-service cancel answered " + std::to_string(r.status));
    }
    count("cancelled");
    log::info("trip cancelled: no driver", {{"tripId", trip->id}, {"ageMs", trip->age_ms}});
    co_return Decision{Step::ack, Millis(0)};
  }
  if (trip->driver_id) {
    const auto offer_timeout_ms = static_cast<std::int64_t>(settings_.offer_timeout.count()) * 1000;
    const auto offer_age = trip->offer_age_ms.value_or(0);
    if (offer_age < offer_timeout_ms) {
      // Check again when the offer times out (duplicates of this check are harmless).
      co_return Decision{Step::retry, Millis(offer_timeout_ms - offer_age + 100)};
    }
    const json::object body{{"driverId", *trip->driver_id}};
    const std::string text = json::serialize(body);
    const std::string target = "/internal/trips/" + trip->id + "/offer-expired";
    const auto r = co_await post(target, text, request_id);
    if (r.status != 200 && r.status != 404 && r.status != 409) {
      throw UnavailableError("trip-service offer-expired answered " + std::to_string(r.status));
    }
    log::info("offer expired", {{"tripId", trip->id}, {"driverId", *trip->driver_id}, {"status", r.status}});
    // expired now: trip-service published the re-match event (attempt + 1);
    // already ended or accepted: someone else moved the trip on.
    count("stale");
    co_return Decision{Step::ack, Millis(0)};
  }
  const auto result = co_await assign(*trip, request_id);
  switch (result.outcome) {
    case MatchOutcome::assigned:
      co_return Decision{Step::retry, Millis(settings_.offer_timeout) + Millis(100)};
    case MatchOutcome::not_open:
      co_return Decision{Step::ack, Millis(0)};
    case MatchOutcome::no_driver:
      break;
  }
  // Never wait past the deadline: the cancel should come on time.
  auto delay = backoff(message.deliveries);
  const Millis to_deadline(deadline_ms - trip->age_ms + 100);
  delay = std::max(Millis(100), std::min(delay, to_deadline));
  co_return Decision{Step::retry_backoff, delay};
}

awaitable<std::vector<std::string>> Matcher::candidates(const Trip& trip) {
  std::vector<std::string> ids;
  if (trip.origin_lat && trip.origin_lng) {
    SearchQuery query{
        .lat = *trip.origin_lat, .lng = *trip.origin_lng, .radius_meters = settings_.radius_meters, .limit = kMaxLimit};
    const auto found = co_await app_->search->nearest(query, now_ms());
    for (const auto& n : found) ids.push_back(n.driver.id);
  } else {
    const auto r = co_await db_.query(kLongestWaiting);
    for (int row = 0; row < r.rows(); ++row) ids.push_back(r.get<std::string>(row, "id"));
  }
  std::erase_if(ids, [&](const std::string& id) { return trip.excluded.count(id) > 0; });
  co_return ids;
}

awaitable<bool> Matcher::reserve(const std::string& driver_id, const std::string& trip_id) {
  const auto outcome = co_await app_->index.reserve(driver_id, trip_id, now_ms());
  if (outcome == Reservation::not_free) co_return false;
  std::exception_ptr failure;
  try {
    if (!co_await app_->profiles.set_trip(driver_id, trip_id)) throw UnavailableError("driver profile vanished");
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    if (outcome == Reservation::reserved) co_await app_->index.release(driver_id, trip_id, now_ms());
    std::rethrow_exception(failure);
  }
  co_return true;
}

awaitable<void> Matcher::release(const std::string& driver_id, const std::string& trip_id) {
  try {
    co_await app_->release_reservation(driver_id, trip_id);
  } catch (const std::exception& e) {
    log::error("matcher could not release a driver",
               {{"driverId", driver_id}, {"tripId", trip_id}, {"error", e.what()}});
  }
}

awaitable<MatchResult> Matcher::assign(const Trip& trip, const std::string& request_id) {
  const auto ids = co_await candidates(trip);
  for (const auto& driver_id : ids) {
    if (!co_await reserve(driver_id, trip.id)) continue;
    const json::object body{{"driverId", driver_id}, {"attempt", trip.match_attempt}};
    const std::string text = json::serialize(body);
    const std::string target = "/internal/trips/" + trip.id + "/offer";
    http::ClientResponse r;
    std::exception_ptr failure;
    try {
      r = co_await post(target, text, request_id);
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      // Unknown whether the offer was made: keep the reservation only if it was.
      co_await release(driver_id, trip.id);
      std::rethrow_exception(failure);
    }
    if (r.status == 200) {
      count("assigned");
      time_to_assign_.observe(static_cast<double>(trip.age_ms) / 1000.0);
      log::info("trip offered", {{"tripId", trip.id}, {"driverId", driver_id}, {"request_id", request_id}});
      co_return MatchResult{MatchOutcome::assigned, driver_id};
    }
    co_await release(driver_id, trip.id);
    if (r.status == 409 && error_code(r) == "driver_excluded") continue;
    if (r.status == 409 || r.status == 404) {
      count("stale");
      co_return MatchResult{MatchOutcome::not_open, std::nullopt};
    }
    throw UnavailableError("trip-service offer answered " + std::to_string(r.status));
  }
  count("no_driver");
  co_return MatchResult{MatchOutcome::no_driver, std::nullopt};
}

awaitable<MatchResult> Matcher::match_now(const queue::TripEvent& event, const std::string& request_id) {
  const auto trip = co_await fetch_trip(event.trip_id, request_id);
  if (!trip || trip->status != "requested" || trip->driver_id) {
    count("stale");
    co_return MatchResult{MatchOutcome::not_open, std::nullopt};
  }
  co_return co_await assign(*trip, request_id);
}

namespace {

awaitable<http::Response> match_route(std::shared_ptr<Matcher> matcher, http::Request& request) {
  queue::TripEvent event;
  try {
    event = queue::TripEvent::from_json(request.body);
  } catch (const std::exception& e) {
    throw HttpError::bad_request("validation_failed", e.what());
  }
  const auto result = co_await matcher->match_now(event, request.request_id);
  json::object body;
  switch (result.outcome) {
    case MatchOutcome::assigned:
      body["outcome"] = "assigned";
      body["driverId"] = *result.driver_id;
      break;
    case MatchOutcome::no_driver:
      body["outcome"] = "no_driver";
      break;
    case MatchOutcome::not_open:
      body["outcome"] = "not_open";
      break;
  }
  co_return http::Response::json(200, body);
}

}  // namespace

void install_matcher(service::Runtime& runtime, std::shared_ptr<Matcher> matcher) {
  runtime.router().add(
      "POST", "/internal/match", [matcher](http::Request& request) { return match_route(matcher, request); },
      http::Access::internal_only());
  runtime.on_start([matcher]() -> awaitable<void> {
    matcher->start();
    co_return;
  });
  runtime.on_stop([matcher]() -> awaitable<void> { co_await matcher->stop(); });
}

}  // namespace uitgo::driver
