// Who hears about a trip change (pure, unit-tested). trip-service writes one
// peers::TripNotice per recipient into its outbox in the transaction that
// makes the change (kind trip_notification), and the relay hands it to
// user-service's inbox (peers/notification_contract.hpp):
//
//   a driver is offered the trip        → that driver: offered
//   requested/… → accepted, arriving    → the rider: accepted, arriving
//   → completed                         → the rider: completed
//   → cancelled by the matcher/system   → the rider: no_driver
//   → cancelled by someone else         → the rider (unless it was the rider),
//                                         and the assigned driver of an
//                                         accepted trip (unless it was the driver)
//
// in_ride tells nobody: both are in the car.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "peers/notification_contract.hpp"
#include "trip/lifecycle/trip.hpp"

namespace uitgo::trip {

// `after` is the trip as the change left it; `from` its status before and
// `actor_role` who made it (rider, driver, admin, matcher, system).
std::vector<peers::TripNotice> transition_notices(const Trip& after, Status from, std::string_view actor_role);

// The offer of `trip` to `driver_id`.
peers::TripNotice offer_notice(const Trip& trip, const std::string& driver_id);

}  // namespace uitgo::trip
