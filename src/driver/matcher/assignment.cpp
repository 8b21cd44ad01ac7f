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
                                        "offers made to drivers without a position since going online")),
      busy_batches_(metrics.counter("matcher_busy_batches_total",
                                    "batches of trips answered no_driver without a search: no driver was free")) {
  for (const char* o : {"assigned", "no_driver", "cancelled", "error", "stale"}) {
    metrics_.counter("matcher_outcomes_total", "matcher decisions by outcome", {{"outcome", o}});
  }
}

void Assignment::count(const char* outcome) {
  metrics_.counter("matcher_outcomes_total", "matcher decisions by outcome", {{"outcome", outcome}}).inc();
}

peers::MatchAnswer Assignment::no_driver() {
  count("no_driver");
  return peers::MatchAnswer{peers::MatchOutcome::no_driver, std::nullopt};
}

// Located drivers nearest first, at most `limit`, minus the trip's excluded
// drivers and `skip`. maybe_more: the search was cut at `limit`.
awaitable<Assignment::Candidates> Assignment::located_candidates(const peers::InternalTrip& trip, int limit,
                                                                 const std::set<std::string>& skip) {
  auto passed = trip.excluded_drivers();
  passed.insert(skip.begin(), skip.end());
  Candidates out;
  std::vector<std::string> found;
  if (trip.origin_lat && trip.origin_lng) {
    SearchQuery query{
        .lat = *trip.origin_lat, .lng = *trip.origin_lng, .radius_meters = settings_.radius_meters, .limit = limit};
    found = co_await app_.search->nearest_ids(query, now_ms());
    out.maybe_more = found.size() >= static_cast<std::size_t>(limit);
  } else {
    const auto r = co_await db_.query(kLongestWaiting);
    for (int row = 0; row < r.rows(); ++row) found.push_back(r.get<std::string>(row, "id"));
  }
  const std::vector<WaitingDriver> none;
  out.ids = candidate_order(found, none, passed, false, 0);
  co_return out;
}

// Read only once every located candidate failed: most trips never need it.
awaitable<Assignment::Candidates> Assignment::unlocated_candidates(const peers::InternalTrip& trip,
                                                                   const std::set<std::string>& skip) {
  Candidates out;
  if (!settings_.unlocated_candidates || !trip.origin_lat || !trip.origin_lng) co_return out;
  auto unlocated = co_await app_.index.unlocated_free(kMaxUnlocatedCandidates);
  auto passed = trip.excluded_drivers();
  passed.insert(skip.begin(), skip.end());
  const std::vector<std::string> no_located;
  out.ids = candidate_order(no_located, std::move(unlocated), passed, true, kMaxUnlocatedCandidates);
  out.unlocated.insert(out.ids.begin(), out.ids.end());
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

awaitable<peers::MatchAnswer> Assignment::assign(const peers::InternalTrip& trip, const std::string& request_id,
                                                 std::set<std::string> skip) {
  for (;;) {
    const auto held = co_await reserve_first(trip, skip, Record::now);
    if (!held) break;
    std::optional<peers::OfferResult> result;
    std::exception_ptr failure;
    try {
      result = co_await app_.trips.offer(trip.id, held->driver_id, trip.match_attempt, request_id);
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      // Unknown whether the offer was made: keep the reservation only if it was.
      co_await release(held->driver_id, trip.id);
      std::rethrow_exception(failure);
    }
    auto answer = co_await settle_offer(trip, *held, *result, request_id);
    if (answer) co_return std::move(*answer);
    skip.insert(held->driver_id);  // excluded: the next nearest
  }
  co_return no_driver();
}

// nullopt: the driver was excluded (released); try the next one.
awaitable<std::optional<peers::MatchAnswer>> Assignment::settle_offer(const peers::InternalTrip& trip, const Held& held,
                                                                      peers::OfferResult result,
                                                                      const std::string& request_id) {
  if (result == peers::OfferResult::made || result == peers::OfferResult::already_yours) {
    count("assigned");
    time_to_assign_.observe(static_cast<double>(trip.age_ms) / 1000.0);
    if (held.unlocated) unlocated_offers_.inc();
    log::info(
        "trip offered",
        {{"tripId", trip.id}, {"driverId", held.driver_id}, {"unlocated", held.unlocated}, {"request_id", request_id}});
    co_return peers::MatchAnswer{peers::MatchOutcome::assigned, held.driver_id};
  }
  co_await release(held.driver_id, trip.id);
  if (result == peers::OfferResult::driver_excluded) co_return std::nullopt;
  count("stale");
  co_return peers::MatchAnswer{peers::MatchOutcome::not_open, std::nullopt};
}

awaitable<std::optional<Assignment::Held>> Assignment::reserve_one_of(const peers::InternalTrip& trip,
                                                                      const Candidates& found, Record record) {
  for (const auto& driver_id : found.ids) {
    Held held{.driver_id = driver_id, .unlocated = found.unlocated.contains(driver_id)};
    if (record == Record::now) {
      const bool reserved = co_await app_.reserve(driver_id, trip.id);
      if (reserved) co_return held;
      continue;
    }
    const auto outcome = co_await app_.index.reserve(driver_id, trip.id, now_ms());
    if (outcome == Reservation::not_free) continue;
    held.fresh = outcome == Reservation::reserved;
    co_return held;
  }
  co_return std::nullopt;
}

awaitable<void> Assignment::record_batch(const std::vector<const peers::InternalTrip*>& trips,
                                         std::vector<std::optional<Held>>& held, std::vector<bool>& retry) {
  std::vector<std::string> drivers;
  std::vector<std::string> trip_ids;
  for (std::size_t i = 0; i < trips.size(); ++i) {
    if (!held[i]) continue;
    drivers.push_back(held[i]->driver_id);
    trip_ids.push_back(trips[i]->id);
  }
  const auto recorded = co_await app_.profiles.set_trips(drivers, trip_ids);
  for (std::size_t i = 0; i < trips.size(); ++i) {
    if (!held[i] || recorded.contains(held[i]->driver_id)) continue;
    // Indexed but without a profile (deleted meanwhile): not a candidate.
    log::warn("reservation skipped: driver has no profile",
              {{"driverId", held[i]->driver_id}, {"tripId", trips[i]->id}});
    if (held[i]->fresh) co_await app_.index.release(held[i]->driver_id, trips[i]->id, now_ms());
    retry[i] = true;
    held[i].reset();
  }
}

// The nearest few first (one cheap search), all in reach only when none of
// them could be reserved, then the unlocated drivers.
awaitable<std::optional<Assignment::Held>> Assignment::reserve_first(const peers::InternalTrip& trip,
                                                                     const std::set<std::string>& skip, Record record) {
  auto passed = skip;
  for (const int limit : {kFirstLook, kMaxLimit}) {
    const auto located = co_await located_candidates(trip, limit, passed);
    auto held = co_await reserve_one_of(trip, located, record);
    if (held) co_return held;
    passed.insert(located.ids.begin(), located.ids.end());
    if (!located.maybe_more) break;
  }
  const auto unlocated = co_await unlocated_candidates(trip, passed);
  co_return co_await reserve_one_of(trip, unlocated, record);
}

awaitable<void> Assignment::reserve_into(const peers::InternalTrip& trip, std::optional<Held>& held) {
  const std::set<std::string> no_skip;
  held = co_await reserve_first(trip, no_skip, Record::later);
}

awaitable<void> Assignment::release_all(const std::vector<const peers::InternalTrip*>& trips,
                                        const std::vector<std::optional<Held>>& held) {
  for (std::size_t i = 0; i < held.size(); ++i) {
    if (held[i]) co_await release(held[i]->driver_id, trips[i]->id);
  }
}

awaitable<void> Assignment::release_index(const std::vector<const peers::InternalTrip*>& trips,
                                          const std::vector<std::optional<Held>>& held) {
  for (std::size_t i = 0; i < held.size(); ++i) {
    if (!held[i] || !held[i]->fresh) continue;
    try {
      co_await app_.index.release(held[i]->driver_id, trips[i]->id, now_ms());
    } catch (const std::exception& e) {
      log::error("matcher could not release a driver",
                 {{"driverId", held[i]->driver_id}, {"tripId", trips[i]->id}, {"error", e.what()}});
    }
  }
}

awaitable<std::vector<std::optional<peers::MatchAnswer>>> Assignment::assign_many(
    const std::vector<const peers::InternalTrip*>& trips, const std::string& request_id) {
  std::vector<std::optional<peers::MatchAnswer>> answers(trips.size());
  // While every driver is busy (rush hour), the retries of waiting trips
  // would each pay a search that cannot find anyone.
  if (!co_await app_.index.any_free()) {
    busy_batches_.inc();
    for (auto& answer : answers) {
      answer = no_driver();
    }
    co_return answers;
  }
  std::vector<std::optional<Held>> held(trips.size());
  std::vector<bool> retry(trips.size(), false);  // go on one by one (rare)
  std::exception_ptr failure;
  try {
    // All at once: their searches and reservations share Redis round trips.
    co_await concurrently(trips.size(), [&](std::size_t i) { return reserve_into(*trips[i], held[i]); });
    co_await record_batch(trips, held, retry);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    co_await release_index(trips, held);  // nothing was recorded in Postgres
    std::rethrow_exception(failure);
  }
  std::vector<peers::TripClient::OfferItem> items;
  std::vector<std::size_t> offered;  // index in `trips` of each item
  for (std::size_t i = 0; i < trips.size(); ++i) {
    if (!held[i]) continue;
    items.push_back({.trip_id = trips[i]->id, .driver_id = held[i]->driver_id, .attempt = trips[i]->match_attempt});
    offered.push_back(i);
  }
  std::vector<peers::OfferResult> results;
  try {
    if (!items.empty()) results = co_await app_.trips.offer_many(items, request_id);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    // Unknown whether the offers were made: as for one offer, the
    // reservations go and every event is retried.
    co_await release_all(trips, held);
    std::rethrow_exception(failure);
  }
  std::vector<std::set<std::string>> skip(trips.size());
  for (std::size_t k = 0; k < offered.size(); ++k) {
    const auto i = offered[k];
    answers[i] = co_await settle_offer(*trips[i], *held[i], results[k], request_id);
    if (!answers[i]) {  // excluded: the next candidates
      retry[i] = true;
      skip[i].insert(held[i]->driver_id);
    }
  }
  for (std::size_t i = 0; i < trips.size(); ++i) {
    if (retry[i]) {
      try {
        answers[i] = co_await assign(*trips[i], request_id, skip[i]);
      } catch (const std::exception& e) {
        log::warn("matcher failed on a trip of a batch", {{"tripId", trips[i]->id}, {"error", e.what()}});
      }
    } else if (!held[i]) {
      answers[i] = no_driver();
    }
  }
  co_return answers;
}

}  // namespace uitgo::driver
