// Fuzz target: WebSocket text frames into the live-tracking socket
// (trip/live/live_messages parse_client_message) on arbitrary text. What is
// accepted must be within the SPEC's ranges; what is refused becomes an error
// frame that must be JSON. The frames the server writes back from accepted
// values must parse and be recognised (is_location_frame,
// frame_keeps_driver). The input is also read as a frame arriving from Redis
// pub/sub. Only std::variant results: any exception is a finding.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "fuzz/check.hpp"
#include "trip/live/live_messages.hpp"

namespace {

using namespace uitgo;
using namespace uitgo::trip::live;
using fuzz::expect;

constexpr std::int64_t kNowMs = 1'800'000'000'000;
constexpr std::string_view kTripId = "7c0e0c52-5f8f-4a57-9d57-3c3b7c0f4c11";
constexpr std::string_view kDriverId = "0b7e6c1e-2a54-4e0a-a3a4-7f7b8f4f2d10";

void answer(const LocationMessage& m) {
  expect(std::isfinite(m.lat) && std::abs(m.lat) <= 90 && std::isfinite(m.lng) && std::abs(m.lng) <= 180,
         "an accepted location is in range");
  const auto frame = location_frame(kTripId, m.lat, m.lng, kNowMs, kNowMs);
  fuzz::expect_json_object(frame, "a location frame is JSON");
  expect(is_location_frame(frame), "a location frame is recognised");
}

void answer(const StatusMessage& m) {
  expect(!m.reason || (!m.reason->empty() && m.reason->size() <= 200), "a status reason is 1..200 bytes");
  trip::Trip trip;
  trip.id = kTripId;
  trip.status = m.status;
  trip.driver_id = std::string(kDriverId);
  trip.cancel_reason = m.reason;
  const auto frame = status_frame(trip, kNowMs);
  fuzz::expect_json_object(frame, "a status frame is JSON");
  expect(!is_location_frame(frame) && frame_keeps_driver(frame, kDriverId), "a status frame keeps its driver");
}

void answer(const InvalidMessage& m) {
  fuzz::expect_json_object(error_frame(m.code, m.message), "an error frame is JSON");
}

void answer(const PingMessage&) { fuzz::expect_json_object(pong_frame(kNowMs), "a pong frame is JSON"); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::visit([](const auto& message) { answer(message); }, parse_client_message(text));
  (void)is_location_frame(text);
  (void)frame_keeps_driver(text, kDriverId);
  return 0;
}
