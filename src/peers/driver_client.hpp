// driver-service's internal API as typed calls (user-service registers driver
// profiles; trip-service releases drivers, forwards live locations and, in
// sync mode, asks for a match). Every path, body and answer of these
// contracts lives here; driver-service's handlers answer them.
//
//   POST   /internal/drivers {id, fullName, phone, licenseNumber, avatarUrl?, vehicle}
//          → 201 created | 200 the same id again (idempotent) | 400 {field} | 409 plate taken
//   DELETE /internal/drivers/{id}                  → 204 (compensation of the above)
//   POST   /internal/drivers/{id}/reserve {tripId} → 200 reserved | 409 not free | 404 no driver
//   POST   /internal/drivers/{id}/release {tripId} → 200 released | 409 not held | 404 no driver
//   PUT    /internal/drivers/{id}/location {lat, lng, recordedAt} → 204
//   POST   /internal/match  TripEvent              → 200 MatchAnswer (match_answer.hpp)
//
// Answers outside these throw UnavailableError; TimeoutError when the deadline passes.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/base/async.hpp"
#include "core/http/client.hpp"
#include "peers/match_answer.hpp"
#include "queue/trip_event.hpp"

namespace uitgo::peers {

enum class ReleaseResult { released, not_held, unknown_driver };
enum class ReserveResult { reserved, not_free, unknown_driver };

class DriverClient {
 public:
  DriverClient(asio::any_io_executor executor, http::ClientOptions options);

  // A refusal (400 naming the field, 409) is thrown as the DomainError the
  // client of the caller should see.
  awaitable<void> create_profile(const boost::json::object& profile, const std::string& request_id);
  // True when driver-service confirmed the deletion.
  awaitable<bool> delete_profile(const std::string& driver_id, const std::string& request_id);
  // The matcher's atomic reservation (trip-service's manual dispatch uses it too).
  awaitable<ReserveResult> reserve(const std::string& driver_id, const std::string& trip_id,
                                   const std::string& request_id);
  awaitable<ReleaseResult> release(const std::string& driver_id, const std::string& trip_id,
                                   const std::string& request_id);
  awaitable<void> update_location(const std::string& driver_id, double lat, double lng, std::int64_t recorded_ms);
  // `timeout` replaces the client's deadline for this call.
  awaitable<MatchAnswer> match(const queue::TripEvent& event, const std::string& request_id, Millis timeout);

 private:
  std::unique_ptr<http::Client> http_;
};

}  // namespace uitgo::peers
