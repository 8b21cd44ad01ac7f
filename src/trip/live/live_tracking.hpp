// Live tracking: GET /v1/trips/{id}/ws (SPEC "WebSocket").
//
// Who: the trip's rider, its driver (offered or assigned) and admins, checked
// with Lifecycle::get before the upgrade (no or bad token 401, anyone else or an
// unknown trip 404; a plain GET 426). The token may come as ?token=.
//
// Fan-out across instances: every event of a trip is PUBLISHed (shared Redis
// client, WS_PUBLISH_TIMEOUT_MS) to channel trip:<id>:events; each instance
// holds one subscription per trip with connected sockets (redis::Subscriber,
// reference-counted) and forwards the frames to its local sockets. Events:
//   - status: every committed trip change (TripChanges calls trip_changed()
//     after the commit: REST or WebSocket status changes, accept, decline, the
//     matcher's offer, offer expiry, cancellation without a driver);
//   - location: a {"type":"location"} message of the trip's driver, which is
//     also stored as the trip's last location (LocationStore, coalesced) and
//     forwarded to driver-service (LocationForwarder) so the driver's GEO
//     position and history follow.
// A Redis or driver-service failure is logged and counted; it never fails
// the REST call or the socket.
//
// A new socket is subscribed first and then gets the current status (and the
// last location, if any), so no change falls between the two. A driver's
// socket is closed (1008) after the status event that takes the trip from
// them (decline, expiry, another driver).
//
// Slow clients: see http::SendQueue (location frames are dropped oldest
// first; a queue full of status frames closes the socket with 1008).
//
// Metrics: trip_live_events_total{kind}, trip_live_publish_failures_total,
// trip_live_subscriptions (gauge), plus websocket_* (http/websocket.hpp),
// trip_location_* (location_store.hpp), trip_live_forward_*
// (location_forwarder.hpp).
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "core/base/config.hpp"
#include "core/http/websocket.hpp"
#include "core/redis/subscriber.hpp"
#include "core/service/runtime.hpp"
#include "trip/lifecycle/trip_changes.hpp"
#include "trip/live/location_forwarder.hpp"
#include "trip/live/location_store.hpp"
#include "trip/live/open_sockets.hpp"

namespace uitgo::trip {

// WS_SEND_QUEUE, WS_PING_SECONDS, WS_IDLE_SECONDS, WS_MAX_MESSAGE_BYTES, WS_SOCKET_SEND_BUFFER,
// WS_PUBLISH_TIMEOUT_MS, TRIP_LOCATION_FLUSH_MS, WS_DRIVER_FORWARD_MAX,
// WS_FORWARD_LOCATIONS.
config::Spec live_spec();

struct LiveSettings {
  std::size_t send_queue = 64;
  Millis ping_interval{20'000};
  Millis idle_timeout{60'000};
  std::size_t max_message_bytes = 4096;
  std::size_t socket_send_buffer = 0;
  Millis publish_timeout{250};
  Millis location_flush{200};
  std::size_t max_forwards = 256;
  bool forward_locations = true;
  double frames_per_second = 5;  // per socket; 0 = unlimited
  double frame_burst = 20;
  std::size_t sockets_per_user_trip = 4;  // per instance; 0 = no cap
  static LiveSettings from(const config::Values& config);
};

struct TripApp;

// Built by TripApp once its parts exist; starts and stops its subscriber with
// the runtime and becomes the listener of trip changes.
class LiveTracking final : public TripListener {
 public:
  LiveTracking(service::Runtime& runtime, TripApp& app, redis::Client& redis, LiveSettings settings);
  ~LiveTracking() override;

  // GET /v1/trips/{id}/ws.
  awaitable<http::Response> open(http::Request& request);
  awaitable<void> trip_changed(const Trip& trip) override;
  // Closes (1008) every socket of these users: their access tokens were revoked.
  void revoke(const std::vector<std::string>& users);

  struct Session;

 private:
  awaitable<void> run_session(http::WebSocket ws, http::Principal caller, std::string trip_id);
  awaitable<void> send_current_state(Session& session);
  awaitable<void> handle(Session& session, const std::string& text);
  awaitable<void> handle_location(Session& session, double lat, double lng);
  awaitable<bool> may_send_location(Session& session);
  awaitable<void> publish(const std::string& trip_id, std::string frame);
  metrics::Counter& refusals(const std::string& limit);

  TripApp& app_;
  redis::Client& redis_;
  LiveSettings settings_;
  metrics::Registry& metrics_;
  asio::any_io_executor executor_;
  redis::Subscriber subscriber_;
  LocationStore store_;
  LocationForwarder forwarder_;
  http::WebSocketOptions ws_options_;
  OpenSockets sockets_;
};

namespace live {
// The route handler (routes.cpp).
awaitable<http::Response> open_socket(TripApp& app, http::Request& request);
}  // namespace live

}  // namespace uitgo::trip
