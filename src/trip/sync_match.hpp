// MATCHING_MODE=sync (the baseline): trip-service asks driver-service to
// match a trip inline instead of publishing to the queue.
//
// Contract of driver-service's endpoint (implemented by the matcher side):
//
//   POST DRIVER_SERVICE_URL/internal/match
//   X-Internal-Token: INTERNAL_TOKEN, X-Request-Id: <the rider's request id>
//   body: the TripEvent (see queue/trip_event.hpp)
//
//   The matcher picks the nearest free driver (excluding the trip's excluded
//   drivers), reserves it atomically and offers it through trip-service's
//   POST /internal/trips/{id}/offer — all before answering — then answers
//   200 with one of:
//     {"outcome": "assigned", "driverId": "<uuid>"}   an offer is pending for driverId
//     {"outcome": "no_driver"}                        nobody free right now
//     {"outcome": "not_open"}                         the trip needs no driver (cancelled,
//                                                     an offer pending or accepted)
//   Anything else (other status, malformed body, no answer within
//   MATCH_SYNC_TIMEOUT_MS) is a failure.
//
// What trip-service does with the answer: see trips.hpp (create in sync mode).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/base/async.hpp"
#include "core/http/client.hpp"
#include "queue/trip_event.hpp"

namespace uitgo::trip {

enum class SyncOutcome { assigned, no_driver, not_open };

struct SyncResult {
  SyncOutcome outcome = SyncOutcome::no_driver;
  std::optional<std::string> driver_id;
};

// Parses driver-service's answer; throws UnavailableError for anything that
// is not one of the three outcomes above. Pure.
SyncResult parse_sync_response(int status, std::string_view body);
std::string_view to_string(SyncOutcome outcome);

class SyncMatcher {
 public:
  SyncMatcher(http::Client& driver_service, Millis timeout) : client_(driver_service), timeout_(timeout) {}
  // Throws TimeoutError / UnavailableError on failure.
  awaitable<SyncResult> match(const queue::TripEvent& event, std::string request_id);

 private:
  http::Client& client_;
  Millis timeout_;
};

}  // namespace uitgo::trip
