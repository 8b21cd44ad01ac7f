// The core of matching, shared by the matcher workers (async mode) and
// POST /internal/match (sync mode): the nearest free drivers within
// MATCH_RADIUS_METERS, then (MATCH_UNLOCATED_DRIVERS) the free drivers without
// a position since going online, longest waiting first (candidate_order.hpp);
// a trip without pickup coordinates: the free driver waiting longest, i.e.
// online the longest without a trip. Minus the trip's excluded drivers,
// reserved atomically one by one and offered through trip-service until one
// offer is made.
//
//   offer made (or already this driver's) → assigned (the reservation stays)
//   trip-service: driver_excluded           → release, next candidate
//   trip-service: trip closed / gone        → release, not_open
//   no candidate could be reserved          → no_driver
//   trip-service failing                    → release, the error propagates
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/base/async.hpp"
#include "core/base/metrics.hpp"
#include "core/pg/pool.hpp"
#include "peers/internal_trip.hpp"
#include "peers/match_answer.hpp"
#include "peers/trip_client.hpp"

namespace uitgo::driver {

struct DriverApp;

struct AssignmentSettings {
  double radius_meters = 3000;
  bool unlocated_candidates = true;
};

// Unlocated drivers considered per trip at most.
inline constexpr int kMaxUnlocatedCandidates = 50;
// Located drivers asked for first: most trips get one of the nearest few, and
// the GEO search's cost grows with the drivers it returns. When none of them
// can be reserved, all in reach (up to kMaxLimit) are asked for.
inline constexpr int kFirstLook = 8;

class Assignment {
 public:
  Assignment(DriverApp& app, pg::Pool& db, metrics::Registry& metrics, AssignmentSettings settings);

  // Assigns a driver to `trip` (status requested, no pending offer).
  // `skip`: drivers not to try (already refused for this trip).
  awaitable<peers::MatchAnswer> assign(const peers::InternalTrip& trip, const std::string& request_id,
                                       std::set<std::string> skip = {});
  // The same for several trips at once: a reservation for each (in the
  // index, then ONE Postgres statement for all), then ONE offer call for all
  // of them. A trip whose driver turns out excluded (or without a profile)
  // goes on through assign(). nullopt for a trip whose own follow-up failed; a
  // failure of the batch's offer call releases every reservation and throws.
  // While no driver is free at all (DriverIndex::any_free), every trip is
  // no_driver after that one check.
  awaitable<std::vector<std::optional<peers::MatchAnswer>>> assign_many(
      const std::vector<const peers::InternalTrip*>& trips, const std::string& request_id);

  // matcher_outcomes_total{outcome}.
  void count(const char* outcome);

 private:
  struct Candidates {
    std::vector<std::string> ids;  // in the order they are tried
    std::set<std::string> unlocated;
    bool maybe_more = false;
  };
  awaitable<Candidates> located_candidates(const peers::InternalTrip& trip, int limit,
                                           const std::set<std::string>& skip);
  awaitable<Candidates> unlocated_candidates(const peers::InternalTrip& trip, const std::set<std::string>& skip);
  awaitable<void> release(const std::string& driver_id, const std::string& trip_id);
  // The no_driver answer, counted.
  peers::MatchAnswer no_driver();

  struct Held {  // a reservation waiting for its offer
    std::string driver_id;
    bool unlocated = false;
    bool fresh = true;  // made now (false: the driver already held this trip)
  };
  // now: each reservation is recorded in Postgres at once (DriverApp::reserve);
  // later: only in the index, the caller records a batch (record_batch).
  enum class Record { now, later };
  // The first candidate that could be reserved; nullopt: nobody free.
  awaitable<void> reserve_into(const peers::InternalTrip& trip, std::optional<Held>& held);
  awaitable<std::optional<Held>> reserve_first(const peers::InternalTrip& trip, const std::set<std::string>& skip,
                                               Record record);
  awaitable<std::optional<Held>> reserve_one_of(const peers::InternalTrip& trip, const Candidates& found,
                                                Record record);
  // Records the batch's index reservations in ONE statement; a driver without
  // a profile loses its reservation (its trip is marked in `retry`).
  awaitable<void> record_batch(const std::vector<const peers::InternalTrip*>& trips,
                               std::vector<std::optional<Held>>& held, std::vector<bool>& retry);
  awaitable<void> release_all(const std::vector<const peers::InternalTrip*>& trips,
                              const std::vector<std::optional<Held>>& held);
  // Undoes the fresh index reservations of a batch not recorded in Postgres.
  awaitable<void> release_index(const std::vector<const peers::InternalTrip*>& trips,
                                const std::vector<std::optional<Held>>& held);
  // What one offer's result means for the match (releasing when it failed).
  awaitable<std::optional<peers::MatchAnswer>> settle_offer(const peers::InternalTrip& trip, const Held& held,
                                                            peers::OfferResult result, const std::string& request_id);

  DriverApp& app_;
  pg::Pool& db_;
  metrics::Registry& metrics_;
  AssignmentSettings settings_;
  metrics::Histogram& time_to_assign_;
  metrics::Counter& unlocated_offers_;
  metrics::Counter& busy_batches_;
};

}  // namespace uitgo::driver
