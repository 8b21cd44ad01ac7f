#include "trip/matching/match_sweep.hpp"

#include <vector>

#include "core/base/log.hpp"
#include "trip/matching/match_events.hpp"
#include "trip/matching/sweep_store.hpp"

namespace uitgo::trip {
namespace {

// Trips cancelled per pass at most: a backlog of overdue trips is worked off
// over a few passes instead of in one long one.
constexpr int kCancelBatch = 200;
constexpr Millis kSeenFlush{1000};

}  // namespace

MatchSweep::MatchSweep(service::Runtime& runtime, pg::Pool& db, Offers& offers, OutboxRelay& relay,
                       SweepSettings settings)
    : db_(db),
      offers_(offers),
      relay_(relay),
      settings_(settings),
      redriven_(runtime.metrics().counter("trip_match_redriven_total",
                                          "requested trips whose match event was published again by the sweep")),
      cancelled_(runtime.metrics().counter("trip_match_deadline_cancels_total",
                                           "requested trips the sweep cancelled past MATCH_DEADLINE_SECONDS")) {
  runtime.add_task({.name = "match-sweep", .period = settings_.period}, [this]() -> awaitable<void> {
    co_await cancel_overdue();
    co_await redrive_quiet();
  });
  runtime.add_task({.name = "match-activity-flush", .period = kSeenFlush, .final_pass = true},
                   [this] { return flush_seen(); });
}

void MatchSweep::seen(const std::string& trip_id) {
  std::lock_guard lock(mutex_);
  seen_.insert(trip_id);
}

awaitable<void> MatchSweep::flush_seen() {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mutex_);
    ids.assign(seen_.begin(), seen_.end());
    seen_.clear();
  }
  if (ids.empty()) co_return;
  // A quarter of the quiet time: a trip a matcher keeps reading never looks
  // quiet, and is written at most every redrive_seconds / 4.
  co_await SweepStore::mark_seen(db_, ids, static_cast<double>(settings_.redrive_seconds) / 4);
}

awaitable<int> MatchSweep::cancel_overdue() {
  const auto overdue = co_await SweepStore::overdue(db_, settings_.deadline_seconds, kCancelBatch);
  int cancelled = 0;
  const std::string actor = "trip-service";
  const std::string reason = "no_driver";
  for (const auto& id : overdue) {
    try {
      co_await offers_.cancel_unmatched(id, reason, actor, "system");
      ++cancelled;
    } catch (const DomainError& e) {
      // A driver accepted meanwhile: the trip goes on.
      log::info("overdue trip not cancelled", {{"tripId", id}, {"reason", e.what()}});
    }
  }
  if (cancelled > 0) {
    cancelled_.inc(static_cast<std::uint64_t>(cancelled));
    log::warn("trips cancelled by the sweep: no driver before the deadline", {{"count", cancelled}});
  }
  co_return cancelled;
}

awaitable<int> MatchSweep::redrive_quiet() {
  auto body = [this](pg::Tx& tx) -> awaitable<int> {
    const auto quiet =
        co_await SweepStore::claim_quiet(tx, settings_.redrive_seconds, settings_.deadline_seconds, settings_.batch);
    for (const auto& trip : quiet) {
      const auto event = trip_event(trip).to_json();
      co_await Outbox::add(tx, kTripMatch, event);
    }
    co_return static_cast<int>(quiet.size());
  };
  const int redriven = co_await db_.transaction(body);
  if (redriven == 0) co_return 0;
  relay_.notify();
  redriven_.inc(static_cast<std::uint64_t>(redriven));
  log::warn("match events published again: matching went quiet for these trips", {{"count", redriven}});
  co_return redriven;
}

}  // namespace uitgo::trip
