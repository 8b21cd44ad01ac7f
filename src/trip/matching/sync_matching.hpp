// MATCHING_MODE=sync (the baseline): trip-service asks driver-service to match
// a new trip before answering the rider (peers/match_answer.hpp has the
// contract), instead of publishing to the queue.
//
// After create() committed the trip and its insurance row (a trip_match row due
// only later, should this process die first): assigned / not_open → the trip
// as it is now; no_driver → the trip is cancelled (reason no_driver) and
// returned; failure or timeout → the trip is cancelled (reason
// match_unavailable) and the request fails with 503. The insurance row is then
// marked sent. If it is delivered anyway (this process died), deliver() runs
// the same match from the relay.
#pragma once

#include <cstdint>
#include <string>

#include "core/base/metrics.hpp"
#include "core/pg/pool.hpp"
#include "peers/driver_client.hpp"
#include "trip/lifecycle/trip.hpp"
#include "trip/matching/offers.hpp"
#include "trip/matching/outbox.hpp"

namespace uitgo::trip {

class SyncMatching {
 public:
  SyncMatching(pg::Pool& db, peers::DriverClient& drivers, Offers& offers, metrics::Registry& metrics, Millis timeout);

  // Returns the trip as it is after matching; throws UnavailableError when
  // matching failed (the trip is then cancelled).
  awaitable<Trip> match_new_trip(Trip trip, std::int64_t outbox_id, const std::string& request_id);
  // The relay's delivery of trip_match rows in sync mode.
  awaitable<void> deliver(const OutboxRow& row);

 private:
  awaitable<void> cancel_quietly(const std::string& trip_id, const std::string& reason, std::string_view role);
  void count(std::string_view outcome);

  pg::Pool& db_;
  peers::DriverClient& drivers_;
  Offers& offers_;
  metrics::Registry& metrics_;
  Millis timeout_;
};

}  // namespace uitgo::trip
