#include "trip/matching/sweep_store.hpp"

#include "core/pg/array_literal.hpp"
#include "trip/lifecycle/trip_rows.hpp"

namespace uitgo::trip {
namespace {

// SKIP LOCKED: a trip locked right now is being changed (an offer being made);
// waiting for it would hold every row updated so far and stall the offers
// queued behind them. It is read again by the matcher soon anyway. A trip
// offered meanwhile was marked by its offer: not written again. Nor is a
// trip created or marked within the last $2 seconds: a matcher retrying a
// trip reads it every few seconds, and writing each read would rewrite the
// row (and its index entries) for nothing the sweep needs. Rows are found by
// id alone (see kOfferMany in trip_store.cpp for why).
const std::string kMarkSeen =
    "UPDATE trips t SET match_seen_at = now()"
    " FROM (SELECT id, status, driver_id FROM trips WHERE id = ANY($1::uuid[])"
    "         AND greatest(created_at, match_seen_at) < now() - make_interval(secs => $2)"
    "       ORDER BY id FOR UPDATE SKIP LOCKED) seen"
    " WHERE t.id = seen.id AND seen.status = 'requested' AND seen.driver_id IS NULL";

const std::string kOverdue =
    "SELECT id::text AS id FROM trips WHERE status = 'requested'"
    "   AND created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT $2";

// The trips' match events still waiting in the outbox (a hash of them, one
// scan of the unsent rows) exclude those trips: their event is on its way.
const std::string kClaimQuiet =
    "WITH waiting AS (SELECT DISTINCT (payload->>'tripId')::uuid AS trip_id FROM outbox"
    "                  WHERE kind = 'trip_match' AND sent_at IS NULL),"
    " quiet AS (SELECT t.id FROM trips t"
    "            WHERE t.status = 'requested' AND t.driver_id IS NULL"
    "              AND t.created_at >= now() - make_interval(secs => $2)"
    "              AND greatest(t.created_at, coalesce(t.match_seen_at, t.created_at),"
    "                           coalesce(t.redriven_at, t.created_at)) < now() - make_interval(secs => $1)"
    "              AND t.id NOT IN (SELECT trip_id FROM waiting)"
    "            ORDER BY t.created_at LIMIT $3 FOR UPDATE OF t SKIP LOCKED)"
    " UPDATE trips t SET redriven_at = now() FROM quiet WHERE t.id = quiet.id"
    " RETURNING " +
    trip_columns();

}  // namespace

awaitable<void> SweepStore::mark_seen(pg::Pool& db, const std::vector<std::string>& trip_ids,
                                      double unless_within_seconds) {
  const auto ids = pg::array_literal(trip_ids, [](std::string& out, const std::string& id) { out += id; });
  co_await db.query(kMarkSeen, pg::Params{ids, unless_within_seconds});
}

awaitable<std::vector<std::string>> SweepStore::overdue(pg::Pool& db, std::int64_t deadline_seconds, int limit) {
  auto r = co_await db.query(kOverdue, pg::Params{static_cast<double>(deadline_seconds), limit});
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.get<std::string>(i, "id"));
  co_return out;
}

awaitable<std::vector<Trip>> SweepStore::claim_quiet(pg::Tx& tx, std::int64_t quiet_seconds,
                                                     std::int64_t deadline_seconds, int limit) {
  auto r = co_await tx.query(
      kClaimQuiet, pg::Params{static_cast<double>(quiet_seconds), static_cast<double>(deadline_seconds), limit});
  std::vector<Trip> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_trip(r, i));
  co_return out;
}

}  // namespace uitgo::trip
