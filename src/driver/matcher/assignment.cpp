#include "driver/matcher/assignment.hpp"

#include <algorithm>

#include "core/base/log.hpp"
#include "core/base/time.hpp"
#include "driver/app.hpp"

namespace uitgo::driver {
namespace {

constexpr const char* kLongestWaiting =
    "SELECT id::text AS id FROM drivers WHERE availability = 'online' AND current_trip_id IS NULL"
    " ORDER BY free_since, id LIMIT 50";

}  // namespace

Assignment::Assignment(DriverApp& app, pg::Pool& db, metrics::Registry& metrics, AssignmentSettings settings)
    : app_(app),
      db_(db),
      metrics_(metrics),
      settings_(settings),
      time_to_assign_(metrics.histogram("matcher_time_to_assignment_seconds",
                                        "from trip creation to the first offer made by the matcher")) {
  for (const char* o : {"assigned", "no_driver", "cancelled", "error", "stale"}) {
    metrics_.counter("matcher_outcomes_total", "matcher decisions by outcome", {{"outcome", o}});
  }
}

void Assignment::count(const char* outcome) {
  metrics_.counter("matcher_outcomes_total", "matcher decisions by outcome", {{"outcome", outcome}}).inc();
}

awaitable<std::vector<std::string>> Assignment::candidates(const peers::InternalTrip& trip) {
  std::vector<std::string> ids;
  if (trip.origin_lat && trip.origin_lng) {
    SearchQuery query{
        .lat = *trip.origin_lat, .lng = *trip.origin_lng, .radius_meters = settings_.radius_meters, .limit = kMaxLimit};
    const auto found = co_await app_.search->nearest(query, now_ms());
    for (const auto& n : found) ids.push_back(n.driver.id);
  } else {
    const auto r = co_await db_.query(kLongestWaiting);
    for (int row = 0; row < r.rows(); ++row) ids.push_back(r.get<std::string>(row, "id"));
  }
  const auto excluded = trip.excluded_drivers();
  std::erase_if(ids, [&](const std::string& id) { return excluded.contains(id); });
  co_return ids;
}

awaitable<void> Assignment::release(const std::string& driver_id, const std::string& trip_id) {
  try {
    co_await app_.release_reservation(driver_id, trip_id);
  } catch (const std::exception& e) {
    log::error("matcher could not release a driver",
               {{"driverId", driver_id}, {"tripId", trip_id}, {"error", e.what()}});
  }
}

awaitable<peers::MatchAnswer> Assignment::assign(const peers::InternalTrip& trip, const std::string& request_id) {
  const auto ids = co_await candidates(trip);
  for (const auto& driver_id : ids) {
    if (!co_await app_.reserve(driver_id, trip.id)) continue;
    std::optional<peers::OfferResult> result;
    std::exception_ptr failure;
    try {
      result = co_await app_.trips.offer(trip.id, driver_id, trip.match_attempt, request_id);
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      // Unknown whether the offer was made: keep the reservation only if it was.
      co_await release(driver_id, trip.id);
      std::rethrow_exception(failure);
    }
    if (*result == peers::OfferResult::made || *result == peers::OfferResult::already_yours) {
      count("assigned");
      time_to_assign_.observe(static_cast<double>(trip.age_ms) / 1000.0);
      log::info("trip offered", {{"tripId", trip.id}, {"driverId", driver_id}, {"request_id", request_id}});
      co_return peers::MatchAnswer{peers::MatchOutcome::assigned, driver_id};
    }
    co_await release(driver_id, trip.id);
    if (*result == peers::OfferResult::driver_excluded) continue;
    count("stale");
    co_return peers::MatchAnswer{peers::MatchOutcome::not_open, std::nullopt};
  }
  count("no_driver");
  co_return peers::MatchAnswer{peers::MatchOutcome::no_driver, std::nullopt};
}

}  // namespace uitgo::driver
