// The JSON text frames of GET /v1/trips/{id}/ws (SPEC "WebSocket"). Pure:
// parsing and validation of what clients send, and the frames the server
// sends. Unit-tested.
//
// Client → server: {"type":"location","lat":..,"lng":..} (the trip's driver),
// {"type":"status","status":"..","reason"?:".."}, {"type":"ping"}.
// Server → client:
//   {"type":"status","tripId","status","driverId"?,"cancelReason"?,"timestamp"}
//   {"type":"location","tripId","location":{lat,lng,timestamp},"timestamp"}
//   {"type":"error","error","code"}   {"type":"pong","timestamp"}
// Timestamps are RFC 3339 UTC with milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "trip/lifecycle/trip.hpp"

namespace uitgo::trip::live {

struct PingMessage {};
struct LocationMessage {
  double lat = 0;
  double lng = 0;
};
struct StatusMessage {
  Status status = Status::requested;
  std::optional<std::string> reason;
};
// The frame could not be used; the client gets an error frame with these.
struct InvalidMessage {
  std::string code;  // bad_message | validation_failed | unknown_type
  std::string message;
};

using ClientMessage = std::variant<PingMessage, LocationMessage, StatusMessage, InvalidMessage>;

ClientMessage parse_client_message(std::string_view text);

// Server frames; timestamps are RFC 3339 with milliseconds (core/base/time.hpp).
std::string status_frame(const Trip& trip, std::int64_t now_ms);
std::string location_frame(std::string_view trip_id, double lat, double lng, std::int64_t recorded_ms,
                           std::int64_t now_ms);
std::string error_frame(std::string_view code, std::string_view message);
std::string pong_frame(std::int64_t now_ms);

// True for a location frame (a newer one supersedes it: droppable when a
// client falls behind). Looks only at the start, as status_frame and
// location_frame write "type" first.
bool is_location_frame(std::string_view frame);

// False only for a status frame whose driverId is not `driver_id` (the
// driver declined, the offer expired, another driver has the trip now).
bool frame_keeps_driver(std::string_view frame, std::string_view driver_id);

// The Redis pub/sub channel of a trip's events.
std::string channel_of(std::string_view trip_id);

}  // namespace uitgo::trip::live
