#include "trip/live/live_tracking.hpp"

#include "core/base/token_bucket.hpp"

#include "core/base/ids.hpp"
#include "core/base/log.hpp"
#include "core/base/time.hpp"
#include "trip/app.hpp"
#include "trip/live/live_messages.hpp"

namespace uitgo::trip {
namespace {

// How long a driver's right to send locations is trusted before Trips is
// asked again (the offer may have been declined or expired meanwhile).
constexpr Millis kLocationRightTtl{5000};
// How long a new socket waits for Redis to confirm its subscription before
// it gets the current state anyway.
constexpr Millis kSubscribeWait{2000};

std::string trip_id_of(const http::Request& request) { return path_uuid(request.path_param("id"), "trip"); }

}  // namespace

struct LiveTracking::Session {
  http::WebSocket ws;
  http::Principal caller;
  std::string trip_id;
  std::optional<std::string> caller_id;  // lower-case UUID
  bool may_send_location = false;
  Clock::time_point location_right_checked{};
};

config::Spec live_spec() {
  config::Spec s;
  s.integer("WS_SEND_QUEUE", 64, 1, 100000,
            "messages waiting for one WebSocket client; when full, the oldest location frame is dropped (a queue "
            "full of status frames closes the socket with 1008)")
      .integer("WS_PING_SECONDS", 20, 1, 3600, "WebSocket ping interval")
      .integer("WS_IDLE_SECONDS", 60, 1, 86400, "a WebSocket with no traffic (pongs included) for this long is closed")
      .integer("WS_MAX_MESSAGE_BYTES", 4096, 64, 1048576, "largest client message; larger closes the socket with 1009")
      .integer("WS_SOCKET_SEND_BUFFER", 0, 0, std::int64_t{16} * 1024 * 1024,
               "SO_SNDBUF of WebSocket connections in bytes; 0 = the OS default (auto-tuned, up to megabytes per "
               "stalled client before WS_SEND_QUEUE's drop policy applies)")
      .integer("WS_PUBLISH_TIMEOUT_MS", 250, 10, 60000, "deadline of one Redis PUBLISH of a trip event")
      .integer("TRIP_LOCATION_FLUSH_MS", 200, 10, 60000,
               "trips' last locations are written to trip_locations in one batch this often")
      .integer("WS_DRIVER_FORWARD_MAX", 256, 1, 100000,
               "drivers whose location forward to driver-service may be in flight at once (one call per driver, "
               "newer locations coalesced); beyond this they are dropped (counted)")
      .integer("WS_FRAMES_PER_SECOND", 5, 0, 100000,
               "client messages one WebSocket may send per second (after WS_FRAME_BURST); over it the socket gets "
               "an error frame rate_limited and is closed with 1008; 0 = unlimited")
      .integer("WS_FRAME_BURST", 20, 1, 100000, "client messages one WebSocket may send at once")
      .integer("WS_SOCKETS_PER_USER_TRIP", 4, 0, 10000,
               "WebSockets one user may hold open on one trip (per trip-service instance); one more gets an error "
               "frame rate_limited and is closed with 1008; 0 = no cap")
      .boolean("WS_FORWARD_LOCATIONS", true,
               "forward drivers' WebSocket locations to driver-service (GEO index and history); false only for "
               "benchmarks of trip-service alone");
  return s;
}

LiveSettings LiveSettings::from(const config::Values& c) {
  LiveSettings s;
  s.send_queue = static_cast<std::size_t>(c.integer("WS_SEND_QUEUE"));
  s.ping_interval = std::chrono::seconds(c.integer("WS_PING_SECONDS"));
  s.idle_timeout = std::chrono::seconds(c.integer("WS_IDLE_SECONDS"));
  s.max_message_bytes = static_cast<std::size_t>(c.integer("WS_MAX_MESSAGE_BYTES"));
  s.socket_send_buffer = static_cast<std::size_t>(c.integer("WS_SOCKET_SEND_BUFFER"));
  s.publish_timeout = c.millis("WS_PUBLISH_TIMEOUT_MS");
  s.location_flush = c.millis("TRIP_LOCATION_FLUSH_MS");
  s.max_forwards = static_cast<std::size_t>(c.integer("WS_DRIVER_FORWARD_MAX"));
  s.forward_locations = c.flag("WS_FORWARD_LOCATIONS");
  s.frames_per_second = static_cast<double>(c.integer("WS_FRAMES_PER_SECOND"));
  s.frame_burst = static_cast<double>(c.integer("WS_FRAME_BURST"));
  s.sockets_per_user_trip = static_cast<std::size_t>(c.integer("WS_SOCKETS_PER_USER_TRIP"));
  return s;
}

LiveTracking::LiveTracking(service::Runtime& runtime, TripApp& app, redis::Client& redis, LiveSettings settings)
    : app_(app),
      redis_(redis),
      settings_(settings),
      metrics_(runtime.metrics()),
      executor_(runtime.executor()),
      subscriber_(runtime.executor(), redis.options()),
      store_(runtime, app_.db, settings.location_flush),
      forwarder_(runtime.executor(), app_.drivers, runtime.metrics(), settings.max_forwards),
      ws_options_{.max_message_bytes = settings.max_message_bytes,
                  .send_queue = settings.send_queue,
                  .ping_interval = settings.ping_interval,
                  .idle_timeout = settings.idle_timeout,
                  .socket_send_buffer = settings.socket_send_buffer,
                  .metrics = &runtime.metrics()},
      sockets_(settings.sockets_per_user_trip) {
  // Exported from the start, not only once the first socket opened.
  runtime.metrics().gauge("websocket_connections", "open WebSocket connections");
  app_.changes.set_listener(this);
  runtime.on_start([this]() -> awaitable<void> {
    subscriber_.start();
    co_return;
  });
  // Runs after the server closed every WebSocket (shutdown drains first).
  runtime.on_stop([this]() -> awaitable<void> { co_await subscriber_.stop(); });
}

LiveTracking::~LiveTracking() = default;

// ------------------------------------------------------------------ route

awaitable<http::Response> LiveTracking::open(http::Request& request) {
  if (!request.websocket_upgrade) {
    auto refused = http::Response::error(426, "upgrade_required", "this route needs a WebSocket upgrade");
    refused.with_header("Upgrade", "websocket");
    co_return refused;
  }
  const auto id = trip_id_of(request);
  const auto& caller = request.caller();
  co_await app_.trips.get(caller, id);  // 404 for anyone but its rider, its driver and admins
  auto session = [this, caller, id](http::WebSocket ws) { return run_session(std::move(ws), caller, id); };
  co_return http::upgrade_to_websocket(ws_options_, std::move(session));
}

void LiveTracking::revoke(const std::vector<std::string>& users) {
  for (const auto& user : users) {
    const auto closed = sockets_.close_all_of(user, "access revoked");
    if (closed > 0)
      log::info("live tracking: sockets of a revoked user closed", {{"userId", user}, {"sockets", closed}});
  }
}

// ------------------------------------------------------------------ session

metrics::Counter& LiveTracking::refusals(const std::string& limit) {
  return metrics_.counter("websocket_limited_total", "WebSockets closed by a limit (frames per second, sockets)",
                          {{"limit", limit}});
}

namespace {

// Sends the error frame, closes with 1008 and reads until the close completes.
awaitable<void> refuse(const http::WebSocket& ws, const std::string& message, metrics::Counter& refused) {
  refused.inc();
  ws.send(live::error_frame("rate_limited", message));
  ws.close(http::CloseCode::policy_violation, "rate limited");
  while (true) {
    auto rest = co_await ws.read();
    if (rest.kind == http::WebSocketMessage::Kind::closed) break;
  }
}

}  // namespace

awaitable<void> LiveTracking::run_session(http::WebSocket ws, http::Principal caller, std::string trip_id) {
  const OpenSockets::Place place(sockets_, caller.user_id, trip_id, ws);
  if (!place.admitted()) {
    const auto message = "at most " + std::to_string(sockets_.max_per_user_trip()) + " sockets per user and trip";
    auto& refused = refusals("sockets");
    co_await refuse(ws, message, refused);
    co_return;
  }
  Session session{.ws = ws, .caller = caller, .trip_id = trip_id, .caller_id = normalize_uuid(caller.user_id)};
  const auto channel = live::channel_of(trip_id);
  // A driver's socket ends once the trip is no longer theirs (declined,
  // expired, reassigned): they see that status, then no more of the trip.
  std::optional<std::string> driver;
  if (caller.role == "driver") driver = session.caller_id.value_or("");
  auto subscription = subscriber_.subscribe(channel, [ws, driver](const std::string& frame) {
    ws.send(frame, live::is_location_frame(frame));
    if (driver && !live::frame_keeps_driver(frame, *driver)) {
      ws.close(http::CloseCode::policy_violation, "this trip is no longer yours");
    }
  });
  metrics_.gauge("trip_live_subscriptions", "trips this instance is subscribed to")
      .set(static_cast<double>(subscriber_.channels()));
  if (!co_await subscriber_.wait_subscribed(channel, kSubscribeWait)) {
    log::warn("live tracking: subscription not confirmed in time", {{"tripId", trip_id}});
  }
  co_await send_current_state(session);
  TokenBucket frames(settings_.frames_per_second, settings_.frame_burst);
  while (true) {
    auto message = co_await ws.read();
    if (message.kind == http::WebSocketMessage::Kind::closed) break;
    if (!frames.take()) {
      const auto limit = "at most " + std::to_string(static_cast<long long>(settings_.frames_per_second)) +
                         " messages per second per socket";
      auto& refused = refusals("frames");
      co_await refuse(ws, limit, refused);
      break;
    }
    if (message.kind == http::WebSocketMessage::Kind::binary) {
      ws.send(live::error_frame("bad_message", "only text frames are accepted"));
      continue;
    }
    co_await handle(session, message.data);
  }
  subscription.reset();
  metrics_.gauge("trip_live_subscriptions", "trips this instance is subscribed to")
      .set(static_cast<double>(subscriber_.channels()));
}

awaitable<void> LiveTracking::send_current_state(Session& session) {
  std::optional<Trip> trip;
  std::optional<LastLocation> location;
  try {
    trip = co_await app_.trips.get(session.caller, session.trip_id);
    location = co_await app_.trips.live_location(session.caller, session.trip_id);
  } catch (const std::exception& e) {
    log::warn("live tracking: current state unavailable", {{"tripId", session.trip_id}, {"error", e.what()}});
  }
  const auto now = now_ms();
  if (trip) session.ws.send(live::status_frame(*trip, now));
  if (location) {
    session.ws.send(live::location_frame(session.trip_id, location->lat, location->lng, location->recorded_ms, now),
                    true);
  }
}

awaitable<void> LiveTracking::handle(Session& session, const std::string& text) {
  auto message = live::parse_client_message(text);
  if (const auto* invalid = std::get_if<live::InvalidMessage>(&message)) {
    session.ws.send(live::error_frame(invalid->code, invalid->message));
    co_return;
  }
  if (std::holds_alternative<live::PingMessage>(message)) {
    session.ws.send(live::pong_frame(now_ms()));
    co_return;
  }
  std::optional<std::string> error_code;
  std::string error_message;
  try {
    if (const auto* location = std::get_if<live::LocationMessage>(&message)) {
      co_await handle_location(session, location->lat, location->lng);
    } else if (const auto* status = std::get_if<live::StatusMessage>(&message)) {
      // The same use case as POST /v1/trips/{id}/status; the resulting event
      // reaches this socket through the channel like everyone else's.
      StatusRequest input{.status = status->status, .reason = status->reason};
      co_await app_.trips.change_status(session.caller, session.trip_id, input);
      session.location_right_checked = {};
    }
  } catch (const DomainError& e) {
    error_code = e.code();
    error_message = e.what();
  } catch (const std::exception& e) {
    log::warn("live tracking: message failed", {{"tripId", session.trip_id}, {"error", e.what()}});
    error_code = "unavailable";
    error_message = "the service could not handle this message, retry later";
  }
  if (error_code) session.ws.send(live::error_frame(*error_code, error_message));
}

awaitable<bool> LiveTracking::may_send_location(Session& session) {
  if (session.caller.role != "driver" || !session.caller_id) co_return false;
  if (Clock::now() - session.location_right_checked < kLocationRightTtl) co_return session.may_send_location;
  bool allowed = false;
  try {
    const auto trip = co_await app_.trips.get(session.caller, session.trip_id);
    allowed = trip.driver_id == session.caller_id && !is_terminal(trip.status);
  } catch (const DomainError&) {
    allowed = false;  // no longer this driver's trip
  }
  session.may_send_location = allowed;
  session.location_right_checked = Clock::now();
  co_return allowed;
}

awaitable<void> LiveTracking::handle_location(Session& session, double lat, double lng) {
  const bool allowed = co_await may_send_location(session);
  if (!allowed) {
    throw DomainError::forbidden("only the trip's driver may send locations, while the trip is open");
  }
  const auto now = now_ms();
  metrics_.counter("trip_live_events_total", "trip events published for live tracking", {{"kind", "location"}}).inc();
  auto frame = live::location_frame(session.trip_id, lat, lng, now, now);
  co_await publish(session.trip_id, std::move(frame));
  store_.add(
      TripFix{.trip_id = session.trip_id, .driver_id = *session.caller_id, .lat = lat, .lng = lng, .recorded_ms = now});
  if (settings_.forward_locations) forwarder_.forward(*session.caller_id, lat, lng, now);
}

// ------------------------------------------------------------------ events

awaitable<void> LiveTracking::trip_changed(const Trip& trip) {
  metrics_.counter("trip_live_events_total", "trip events published for live tracking", {{"kind", "status"}}).inc();
  auto frame = live::status_frame(trip, now_ms());
  co_await publish(trip.id, std::move(frame));
}

awaitable<void> LiveTracking::publish(const std::string& trip_id, std::string frame) {
  redis::Command command{"PUBLISH", live::channel_of(trip_id), frame};
  std::string error;
  try {
    // An outer deadline abandons the command without resetting the shared
    // connection (a per-command timeout would fail everyone's commands).
    auto op = redis_.command(std::move(command));
    co_await with_deadline(std::move(op), settings_.publish_timeout, "redis publish");
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (!error.empty()) {
    auto& failures =
        metrics_.counter("trip_live_publish_failures_total", "trip events that could not be published to Redis");
    failures.inc();
    if (failures.value() % 100 == 1) {  // a Redis outage must not flood the log
      log::warn("live tracking: publish failing",
                {{"tripId", trip_id}, {"error", error}, {"failuresSoFar", failures.value()}});
    }
  }
}

// ------------------------------------------------------------------ route

namespace live {

awaitable<http::Response> open_socket(TripApp& app, http::Request& request) { return app.live->open(request); }

}  // namespace live
}  // namespace uitgo::trip
