// What an admin (a dispatcher) does besides what riders and drivers do:
//
// book: POST /v1/trips by an admin with riderId books the trip for that rider,
//   who must be an existing, enabled rider account (asked of user-service;
//   400 naming riderId otherwise); without riderId the trip is the admin's
//   own. A rider naming someone else is 403 (no impersonation).
// assign: POST /v1/trips/{id}/assign {driverId} offers a requested trip to
//   that driver through the matcher's own atomic reservation in
//   driver-service, then the same offer as the matcher's (the driver still
//   accepts or declines; the offer expires like any other). Refusals, each a
//   409 with its code: trip_closed (not requested), offer_pending (another
//   driver's offer), driver_excluded (offered this trip before),
//   driver_not_free (offline, on another trip, or without a fresh position);
//   404 for an unknown trip or driver. The same driver again answers 200.
//
// HTTP-free; refusals are DomainErrors.
#pragma once

#include <optional>
#include <string>

#include "core/base/principal.hpp"
#include "core/pg/pool.hpp"
#include "peers/driver_client.hpp"
#include "peers/user_client.hpp"
#include "trip/lifecycle/trips.hpp"
#include "trip/matching/offers.hpp"

namespace uitgo::trip {

class Dispatch {
 public:
  Dispatch(pg::Pool& db, Lifecycle& trips, Offers& offers, peers::DriverClient& drivers, peers::UserClient& users)
      : db_(db), trips_(trips), offers_(offers), drivers_(drivers), users_(users) {}

  awaitable<CreateResult> book(const Principal& caller, const CreateTripRequest& input,
                               const std::optional<std::string>& idempotency_key, const std::string& request_id);
  awaitable<Trip> assign(const Principal& admin, const std::string& trip_id, const std::string& driver_id,
                         const std::string& request_id);

 private:
  awaitable<void> check_rider(const std::string& rider_id, const std::string& request_id);

  pg::Pool& db_;
  Lifecycle& trips_;
  Offers& offers_;
  peers::DriverClient& drivers_;
  peers::UserClient& users_;
};

}  // namespace uitgo::trip
