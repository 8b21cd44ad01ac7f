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
                                        "from trip creation to the first offer made by the matcher")),
      unlocated_offers_(metrics.counter("matcher_unlocated_offers_total",
                                        "offers made to drivers without a position since going online")) {
  for (const char* o : {"assigned", "no_driver", "cancelled", "error", "stale"}) {
    metrics_.counter("matcher_outcomes_total", "matcher decisions by outcome", {{"outcome", o}});
  }
}

void Assignment::count(const char* outcome) {
  metrics_.counter("matcher_outcomes_total", "matcher decisions by outcome", {{"outcome", outcome}}).inc();
}

awaitable<Assignment::Candidates> Assignment::candidates(const peers::InternalTrip& trip) {
  const auto excluded = trip.excluded_drivers();
  Candidates out;
  if (trip.origin_lat && trip.origin_lng) {
    SearchQuery query{
        .lat = *trip.origin_lat, .lng = *trip.origin_lng, .radius_meters = settings_.radius_meters, .limit = kMaxLimit};
    const auto found = co_await app_.search->nearest(query, now_ms());
    std::vector<std::string> located;
    for (const auto& n : found) located.push_back(n.driver.id);
    std::vector<WaitingDriver> unlocated;
    if (settings_.unlocated_candidates) unlocated = co_await app_.index.unlocated_free(kMaxUnlocatedCandidates);
    for (const auto& d : unlocated) out.unlocated.insert(d.id);
    out.ids = candidate_order(located, std::move(unlocated), excluded, settings_.unlocated_candidates,
                              kMaxUnlocatedCandidates);
    co_return out;
  }
  const auto r = co_await db_.query(kLongestWaiting);
  for (int row = 0; row < r.rows(); ++row) out.ids.push_back(r.get<std::string>(row, "id"));
  std::erase_if(out.ids, [&](const std::string& id) { return excluded.contains(id); });
  co_return out;
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
  const auto found = co_await candidates(trip);
  for (const auto& driver_id : found.ids) {
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
      const bool unlocated = found.unlocated.contains(driver_id);
      if (unlocated) unlocated_offers_.inc();
      log::info("trip offered",
                {{"tripId", trip.id}, {"driverId", driver_id}, {"unlocated", unlocated}, {"request_id", request_id}});
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
