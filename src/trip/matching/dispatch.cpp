#include "trip/matching/dispatch.hpp"

#include "core/base/log.hpp"
#include "trip/lifecycle/transitions.hpp"

namespace uitgo::trip {
namespace {

DomainError bad_rider(const std::string& why) {
  return DomainError::invalid("riderId", "riderId must name an existing, enabled rider account (" + why + ")");
}

}  // namespace

awaitable<void> Dispatch::check_rider(const std::string& rider_id, const std::string& request_id) {
  const auto account = co_await users_.get(rider_id, request_id);
  if (!account) throw bad_rider("no such account");
  if (account->role != "rider") throw bad_rider("this account is a " + account->role);
  if (account->disabled) throw bad_rider("this account is disabled");
}

awaitable<CreateResult> Dispatch::book(const Principal& caller, const CreateTripRequest& input,
                                       const std::optional<std::string>& idempotency_key,
                                       const std::string& request_id) {
  const auto self = caller_id(caller);
  if (input.rider_id && input.rider_id != self) {
    if (caller.role != "admin") throw DomainError::forbidden("only an admin may book a trip for another rider");
    co_await check_rider(*input.rider_id, request_id);
  }
  co_return co_await trips_.create(caller, input, idempotency_key, request_id);
}

awaitable<Trip> Dispatch::assign(const Principal& admin, const std::string& trip_id, const std::string& driver_id,
                                 const std::string& request_id) {
  const auto view = co_await offers_.internal(trip_id);  // 404 for an unknown trip
  const auto& trip = view.trip;
  if (trip.driver_id == driver_id && trip.status == Status::requested) co_return trip;  // already this driver's
  if (trip.status != Status::requested) {
    throw DomainError::conflict("trip_closed", "the trip is " + std::string(to_string(trip.status)) +
                                                   "; only a requested trip can be assigned");
  }
  if (trip.driver_id) {
    throw DomainError::conflict("offer_pending",
                                "another driver's offer is pending; it must be declined or expire first");
  }
  for (const auto& offer : view.offers) {
    if (offer.driver_id == driver_id) {
      throw DomainError::conflict("driver_excluded", "this driver was already offered this trip (" + offer.outcome +
                                                         "); a trip is never offered to the same driver twice");
    }
  }
  const auto reservation = co_await drivers_.reserve(driver_id, trip_id, request_id);
  if (reservation == peers::ReserveResult::unknown_driver) throw DomainError::not_found("driver not found");
  if (reservation == peers::ReserveResult::not_free) {
    throw DomainError::conflict("driver_not_free",
                                "the driver is not free: offline, reserved for another trip, or without a recent "
                                "position");
  }
  const OfferRequest offer{.driver_id = driver_id, .attempt = trip.match_attempt};
  std::optional<OfferResult> made;
  std::exception_ptr failure;
  try {
    made = co_await offers_.offer(trip_id, offer);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    // The trip changed meanwhile (the matcher offered someone else): give the driver back.
    try {
      co_await drivers_.release(driver_id, trip_id, request_id);
    } catch (const std::exception& e) {
      log::error("manual dispatch could not release a driver (the reservation audit will)",
                 {{"driverId", driver_id}, {"tripId", trip_id}, {"error", e.what()}});
    }
    std::rethrow_exception(failure);
  }
  log::info("trip assigned by an admin",
            {{"tripId", trip_id}, {"driverId", driver_id}, {"adminId", admin.user_id}, {"request_id", request_id}});
  co_return std::move(made->trip);
}

}  // namespace uitgo::trip
