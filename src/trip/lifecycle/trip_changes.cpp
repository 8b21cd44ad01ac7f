#include "trip/lifecycle/trip_changes.hpp"

#include "core/base/log.hpp"

namespace uitgo::trip {

awaitable<void> TripChanges::committed(const Trip& trip, Committed what) {
  if (what.outbox) outbox_written(what.outbox_kind);
  std::vector<std::string> readers{trip.rider_id};
  if (trip.driver_id) readers.push_back(*trip.driver_id);
  for (auto& id : what.also_readers) {
    if (id) readers.push_back(std::move(*id));
  }
  co_await reads_.wrote(std::move(readers));  // before anyone is told of the change
  if (!what.announce || listener_ == nullptr) co_return;
  try {
    co_await listener_->trip_changed(trip);
  } catch (const std::exception& e) {
    log::warn("trip change listener failed", {{"tripId", trip.id}, {"error", e.what()}});
  }
}

}  // namespace uitgo::trip
