#include "trip/lifecycle/trip_store.hpp"

#include <unordered_map>

#include "core/pg/array_literal.hpp"

#include "trip/lifecycle/trip_rows.hpp"

namespace uitgo::trip {
namespace {

// clang-format off
// Timestamps leave Postgres as RFC 3339 UTC text with milliseconds.
#define UITGO_UTC_TEXT(column) "to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

const std::string kColumns = trip_columns();

#define UITGO_OPEN_STATUSES "('requested', 'accepted', 'arriving', 'in_ride')"

// The lowest slot (1 .. `max`) that the rider `rider` holds no open trip in,
// or NULL when every slot is held (migration trip/007). The lowest free slot
// is 1 or one above a held slot, so the candidates come from the rider's open
// trips rather than from generate_series(1, max): the plan's cost then does
// not depend on `max`, and Postgres keeps one generic plan for the statement
// instead of planning it again on every execution.
std::string lowest_free_slot(const std::string& rider, const std::string& max) {
  return "(SELECT min(c.s) FROM (SELECT 1 AS s UNION ALL"
         "                       SELECT h.open_slot + 1 FROM trips h WHERE h.rider_id = " + rider +
         "                         AND h.open_slot IS NOT NULL AND h.status IN " UITGO_OPEN_STATUSES ") c"
         "  WHERE c.s <= " + max +
         "    AND NOT EXISTS (SELECT 1 FROM trips o WHERE o.rider_id = " + rider + " AND o.open_slot = c.s"
         "                      AND o.status IN " UITGO_OPEN_STATUSES "))::smallint";
}

// The match event's JSON, completed with what only the insert knows (id,
// creation time, attempt): the event format keeps one writer (TripEvent).
std::string completed_match_event(const std::string& draft) {
  return draft + " || jsonb_build_object("
         "'tripId', c.id::text, 'createdAt', " UITGO_UTC_TEXT("c.created_at") ","
         "'createdAtMs', (extract(epoch FROM c.created_at) * 1000)::bigint, 'attempt', c.match_attempt)";
}

const std::string kTripInsertColumns =
    "INSERT INTO trips AS t (id, rider_id, status, origin_text, dest_text, service_id,"
    "                        origin_lat, origin_lng, dest_lat, dest_lng, fare_estimate, open_slot)";

// The trip, its first event and its match event in one statement: one round
// trip, atomic without a transaction. $11 = MAX_OPEN_TRIPS_PER_RIDER (0 = no
// cap): no row when the rider holds every slot. OFFSET 0 keeps the slot pick
// from being evaluated once per reference.
const std::string kInsert =
    "WITH created AS (" + kTripInsertColumns +
    "   SELECT coalesce($1::uuid, gen_random_uuid()), $2, 'requested', $3, $4, $5, $6, $7, $8, $9, $10, pick.slot"
    "   FROM (SELECT " + lowest_free_slot("$2::uuid", "$11::int") + " AS slot OFFSET 0) pick"
    "   WHERE $11::int = 0 OR pick.slot IS NOT NULL"
    "   RETURNING *),"
    " first_event AS (INSERT INTO trip_events (trip_id, from_status, to_status, actor_id, actor_role)"
    "                 SELECT id, NULL, 'requested', $12::text, $13::text FROM created),"
    " match_event AS (INSERT INTO outbox (kind, payload, next_attempt_at)"
    "                 SELECT $14::text, " + completed_match_event("$15::jsonb") + ","
    "                        now() + make_interval(secs => $16::float8)"
    "                 FROM created c RETURNING id)"
    " SELECT " + kColumns + ", m.id AS outbox_id FROM created t, match_event m";

// kInsert for several trips: one row per trip in each array ($1 .. $15),
// $16 = the cap. Ids are drawn in `picked` (materialized: once per row), so
// the inserted rows can be joined back to their items. The array lengths
// change the plan's estimates, so Postgres plans each batch anew: that cost
// is shared by the batch's trips.
const std::string kInsertMany =
    "WITH v AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::float8[],"
    "                                $7::float8[], $8::float8[], $9::float8[], $10::bigint[], $11::text[],"
    "                                $12::text[], $13::text[], $14::jsonb[], $15::float8[])"
    "           WITH ORDINALITY AS v(id, rider_id, origin_text, dest_text, service_id, origin_lat, origin_lng,"
    "                                dest_lat, dest_lng, fare_estimate, author_id, author_role, outbox_kind,"
    "                                match_event, outbox_delay, item)),"
    " picked AS MATERIALIZED (SELECT coalesce(v.id, gen_random_uuid()) AS trip_id, v.*,"
    "                                " + lowest_free_slot("v.rider_id", "$16::int") + " AS slot FROM v),"
    " created AS (" + kTripInsertColumns +
    "   SELECT p.trip_id, p.rider_id, 'requested', p.origin_text, p.dest_text, p.service_id, p.origin_lat,"
    "          p.origin_lng, p.dest_lat, p.dest_lng, p.fare_estimate, p.slot"
    "   FROM picked p WHERE $16::int = 0 OR p.slot IS NOT NULL ORDER BY p.item"
    "   RETURNING *),"
    " first_event AS (INSERT INTO trip_events (trip_id, from_status, to_status, actor_id, actor_role)"
    "                 SELECT c.id, NULL, 'requested', p.author_id, p.author_role"
    "                 FROM created c JOIN picked p ON p.trip_id = c.id ORDER BY p.item),"
    " match_event AS (INSERT INTO outbox (kind, payload, next_attempt_at)"
    "                 SELECT p.outbox_kind, " + completed_match_event("p.match_event") + ","
    "                        now() + make_interval(secs => p.outbox_delay)"
    "                 FROM created c JOIN picked p ON p.trip_id = c.id ORDER BY p.item"
    "                 RETURNING id, payload->>'tripId' AS trip_id)"
    " SELECT " + kColumns + ", m.id AS outbox_id, p.item"
    " FROM created t JOIN picked p ON p.trip_id = t.id JOIN match_event m ON m.trip_id = t.id::text";

const std::string kOpenTrip =
    "SELECT id::text AS id FROM trips WHERE rider_id = $1::uuid AND status IN " UITGO_OPEN_STATUSES
    " ORDER BY created_at DESC LIMIT 1";

const std::string kFind = "SELECT " + kColumns + " FROM trips t WHERE t.id = $1";

const std::string kListWhere =
    " WHERE ($1::uuid IS NULL OR t.rider_id = $1::uuid)"
    "   AND ($2::uuid IS NULL OR t.driver_id = $2::uuid)"
    "   AND ($3::text[] IS NULL OR t.status = ANY($3::text[]))";
const std::string kList =
    "SELECT " + kColumns + " FROM trips t" + kListWhere +
    " ORDER BY t.created_at DESC, t.id DESC LIMIT $4 OFFSET $5";
const std::string kCount = "SELECT count(*) AS n FROM trips t" + kListWhere;

// $1 id, $2 expected status, $3 new status, $4 expected driver (NULL = none),
// $5 clear the driver, $6 cancel reason.
const std::string kChangeStatus =
    "UPDATE trips t SET status = $3, updated_at = now(),"
    "       driver_id = CASE WHEN $5::boolean THEN NULL ELSE t.driver_id END,"
    "       offered_at = CASE WHEN $5::boolean OR $3 <> 'requested' THEN NULL ELSE t.offered_at END,"
    "       cancel_reason = CASE WHEN $3 = 'cancelled' THEN $6 ELSE t.cancel_reason END"
    " WHERE t.id = $1 AND t.status = $2 AND t.driver_id IS NOT DISTINCT FROM $4::uuid"
    " RETURNING " + kColumns;

const std::string kEvent =
    "INSERT INTO trip_events (trip_id, from_status, to_status, actor_id, actor_role, reason)"
    " VALUES ($1, $2, $3, $4, $5, $6)";

const std::string kOffer =
    "UPDATE trips t SET driver_id = $2, offered_at = now(), updated_at = now(), match_seen_at = now(),"
    "       match_attempt = greatest(t.match_attempt, $3)"
    " WHERE t.id = $1 AND t.status = 'requested' AND t.driver_id IS NULL"
    "   AND NOT EXISTS (SELECT 1 FROM trip_offers o WHERE o.trip_id = t.id AND o.driver_id = $2)"
    " RETURNING " + kColumns;

const std::string kRecordOffer =
    "INSERT INTO trip_offers (trip_id, driver_id, attempt) VALUES ($1, $2, $3)";

// Several offers in one statement. Rows are locked in trip id order, so two
// batches never wait on each other in a cycle; `item` is the 1-based index
// of the offer made on each row. Rows are found by id alone and filtered on
// what the lock read: right after a burst of new trips the statistics may
// still say "few requested trips", and a plan driven by the status index
// would then read all of them.
const std::string kOfferMany =
    "WITH v AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[]) WITH ORDINALITY AS v(trip_id, driver_id, attempt, item)),"
    " locked AS (SELECT t.id, t.status, t.driver_id FROM trips t WHERE t.id = ANY($1::uuid[]) ORDER BY t.id FOR UPDATE),"
    " made AS (UPDATE trips t SET driver_id = v.driver_id, offered_at = now(), updated_at = now(), match_seen_at = now(),"
    "                 match_attempt = greatest(t.match_attempt, v.attempt)"
    "          FROM locked l JOIN v ON v.trip_id = l.id"
    "          WHERE t.id = l.id AND l.status = 'requested' AND l.driver_id IS NULL"
    "            AND NOT EXISTS (SELECT 1 FROM trip_offers o WHERE o.trip_id = l.id AND o.driver_id = v.driver_id)"
    "          RETURNING t.*, v.attempt AS offer_attempt, v.item),"
    " recorded AS (INSERT INTO trip_offers (trip_id, driver_id, attempt) SELECT id, driver_id, offer_attempt FROM made)"
    " SELECT " + kColumns + ", t.item FROM made t";

const std::string kEndOffer =
    "UPDATE trips t SET driver_id = NULL, offered_at = NULL, updated_at = now(), match_attempt = t.match_attempt + 1"
    " WHERE t.id = $1 AND t.status = 'requested' AND t.driver_id = $2"
    " RETURNING " + kColumns;

const std::string kResolveOffer =
    "UPDATE trip_offers SET outcome = $3, resolved_at = now()"
    " WHERE trip_id = $1 AND driver_id = $2 AND outcome = 'pending'";

const std::string kOfferOutcome = "SELECT outcome FROM trip_offers WHERE trip_id = $1 AND driver_id = $2";

const std::string kInternalMany =
    "SELECT " + kColumns + ","
    " (extract(epoch FROM now() - t.created_at) * 1000)::bigint AS age_ms,"
    " (extract(epoch FROM now() - t.offered_at) * 1000)::bigint AS offer_age_ms"
    " FROM trips t WHERE t.id = ANY($1::uuid[])";

const std::string kOffersMany =
    "SELECT trip_id::text AS trip_id, driver_id::text AS driver_id, attempt, outcome, "
    UITGO_UTC_TEXT("offered_at") " AS offered_at, "
    UITGO_UTC_TEXT("resolved_at") " AS resolved_at"
    " FROM trip_offers WHERE trip_id = ANY($1::uuid[]) ORDER BY trip_id, offered_at, driver_id";

const std::string kStaleOffers =
    "SELECT id::text AS id, driver_id::text AS driver_id FROM trips"
    " WHERE status = 'requested' AND driver_id IS NOT NULL"
    "   AND offered_at < now() - make_interval(secs => $1)"
    " ORDER BY offered_at LIMIT $2";

const std::string kClaimKey =
    "INSERT INTO idempotency_keys (rider_id, key, trip_id, request_hash) VALUES ($1, $2, gen_random_uuid(), $3)"
    " ON CONFLICT DO NOTHING RETURNING trip_id::text AS trip_id";
const std::string kExistingKey =
    "SELECT trip_id::text AS trip_id, request_hash FROM idempotency_keys WHERE rider_id = $1 AND key = $2";
const std::string kPruneKeys =
    "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)";

#undef UITGO_UTC_TEXT
// clang-format on

std::optional<Trip> first(const pg::Result& r) {
  if (r.empty()) return std::nullopt;
  return read_trip(r, 0);
}

// Postgres array literal of status names: {requested,accepted}.
std::optional<std::string> status_array(const std::vector<Status>& statuses) {
  if (statuses.empty()) return std::nullopt;
  std::string out = "{";
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    if (i > 0) out += ",";
    out += to_string(statuses[i]);
  }
  return out + "}";
}

template <class Db>
awaitable<std::optional<CreatedTrip>> insert_on(Db& db, const NewTrip& n, const TripOpening& opening,
                                                std::int64_t max_open) {
  const auto& q = n.request;
  const pg::Result r = co_await db.query(
      kInsert, pg::Params{n.id, n.rider_id, q.origin_text, q.dest_text, q.service_id, q.origin_lat, q.origin_lng,
                          q.dest_lat, q.dest_lng, n.fare_estimate, max_open, opening.author_id, opening.author_role,
                          opening.outbox_kind, opening.match_event, opening.outbox_delay_seconds});
  if (r.empty()) co_return std::nullopt;
  co_return CreatedTrip{.trip = read_trip(r, 0), .outbox_id = r.get<std::int64_t>(0, "outbox_id")};
}

// kInsertMany's parameters: one array per column, then the cap.
pg::Params insert_many_params(const std::vector<TripToCreate>& items, std::int64_t max_open) {
  pg::Params params;
  const auto column = [&](auto field) {
    params.add(
        pg::array_literal(items, [&field](std::string& o, const TripToCreate& i) { pg::append_element(o, field(i)); }));
  };
  column([](const TripToCreate& i) -> const auto& { return i.trip.id; });
  column([](const TripToCreate& i) -> const auto& { return i.trip.rider_id; });
  column([](const TripToCreate& i) -> const auto& { return i.trip.request.origin_text; });
  column([](const TripToCreate& i) -> const auto& { return i.trip.request.dest_text; });
  column([](const TripToCreate& i) -> const auto& { return i.trip.request.service_id; });
  column([](const TripToCreate& i) -> const auto& { return i.trip.request.origin_lat; });
  column([](const TripToCreate& i) -> const auto& { return i.trip.request.origin_lng; });
  column([](const TripToCreate& i) -> const auto& { return i.trip.request.dest_lat; });
  column([](const TripToCreate& i) -> const auto& { return i.trip.request.dest_lng; });
  column([](const TripToCreate& i) -> const auto& { return i.trip.fare_estimate; });
  column([](const TripToCreate& i) -> const auto& { return i.opening.author_id; });
  column([](const TripToCreate& i) -> const auto& { return i.opening.author_role; });
  column([](const TripToCreate& i) -> const auto& { return i.opening.outbox_kind; });
  column([](const TripToCreate& i) -> const auto& { return i.opening.match_event; });
  column([](const TripToCreate& i) -> const auto& { return i.opening.outbox_delay_seconds; });
  params.add(max_open);
  return params;
}

template <class Db>
awaitable<std::optional<std::string>> open_trip_on(Db& db, const std::string& rider_id) {
  const pg::Result r = co_await db.query(kOpenTrip, pg::Params{rider_id});
  if (r.empty()) co_return std::nullopt;
  co_return r.get<std::string>(0, "id");
}

}  // namespace

awaitable<std::optional<CreatedTrip>> TripStore::insert(pg::Pool& db, const NewTrip& trip, const TripOpening& opening,
                                                        std::int64_t max_open) {
  co_return co_await insert_on(db, trip, opening, max_open);
}

awaitable<std::optional<CreatedTrip>> TripStore::insert(pg::Tx& tx, const NewTrip& trip, const TripOpening& opening,
                                                        std::int64_t max_open) {
  co_return co_await insert_on(tx, trip, opening, max_open);
}

awaitable<std::vector<std::optional<CreatedTrip>>> TripStore::insert_many(pg::Pool& db,
                                                                          const std::vector<TripToCreate>& items,
                                                                          std::int64_t max_open) {
  std::vector<std::optional<CreatedTrip>> created(items.size());
  if (items.empty()) co_return created;
  const auto r = co_await db.query(kInsertMany, insert_many_params(items, max_open));
  for (int row = 0; row < r.rows(); ++row) {
    const auto item = static_cast<std::size_t>(r.get<std::int64_t>(row, "item") - 1);
    created.at(item) = CreatedTrip{.trip = read_trip(r, row), .outbox_id = r.get<std::int64_t>(row, "outbox_id")};
  }
  co_return created;
}

awaitable<std::optional<std::string>> TripStore::open_trip_of(pg::Pool& db, const std::string& rider_id) {
  co_return co_await open_trip_on(db, rider_id);
}

awaitable<std::optional<std::string>> TripStore::open_trip_of(pg::Tx& tx, const std::string& rider_id) {
  co_return co_await open_trip_on(tx, rider_id);
}

awaitable<std::optional<Trip>> TripStore::find(pg::Pool& db, const std::string& id) {
  auto r = co_await db.query(kFind, pg::Params{id});
  co_return first(r);
}

awaitable<std::optional<Trip>> TripStore::find(pg::Tx& tx, const std::string& id) {
  auto r = co_await tx.query(kFind, pg::Params{id});
  co_return first(r);
}

awaitable<TripPage> TripStore::list(pg::Pool& db, const ListFilter& f) {
  const auto statuses = status_array(f.statuses);
  auto rows = co_await db.query(kList, pg::Params{f.rider_id, f.driver_id, statuses, f.limit, f.offset});
  auto count = co_await db.query(kCount, pg::Params{f.rider_id, f.driver_id, statuses});
  TripPage page;
  page.items.reserve(static_cast<std::size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i) page.items.push_back(read_trip(rows, i));
  page.total = count.get<std::int64_t>(0, "n");
  co_return page;
}

awaitable<std::optional<Trip>> TripStore::change_status(pg::Tx& tx, const std::string& id, const StatusChange& c) {
  auto r = co_await tx.query(kChangeStatus, pg::Params{id, to_string(c.from), to_string(c.to), c.expected_driver,
                                                       c.clear_driver, c.cancel_reason});
  co_return first(r);
}

awaitable<void> TripStore::add_event(pg::Tx& tx, const std::string& trip_id, std::optional<Status> from, Status to,
                                     const std::string& actor_id, std::string_view actor_role,
                                     const std::optional<std::string>& reason) {
  std::optional<std::string> from_text;
  if (from) from_text = std::string(to_string(*from));
  co_await tx.query(kEvent, pg::Params{trip_id, from_text, to_string(to), actor_id, actor_role, reason});
}

awaitable<std::optional<Trip>> TripStore::offer(pg::Tx& tx, const std::string& id, const std::string& driver_id,
                                                int attempt) {
  auto r = co_await tx.query(kOffer, pg::Params{id, driver_id, attempt});
  co_return first(r);
}

awaitable<void> TripStore::record_offer(pg::Tx& tx, const std::string& trip_id, const std::string& driver_id,
                                        int attempt) {
  co_await tx.query(kRecordOffer, pg::Params{trip_id, driver_id, attempt});
}

awaitable<std::vector<std::pair<std::size_t, Trip>>> TripStore::offer_many(
    pg::Tx& tx, const std::vector<OffersRequest::Item>& items) {
  using pg::array_literal;
  using Item = OffersRequest::Item;
  std::vector<std::pair<std::size_t, Trip>> made;
  if (items.empty()) co_return made;
  pg::Params params;
  params.add(array_literal(items, [](std::string& o, const Item& i) { o += i.trip_id; }));
  params.add(array_literal(items, [](std::string& o, const Item& i) { o += i.offer.driver_id; }));
  params.add(array_literal(items, [](std::string& o, const Item& i) { pg::append_number(o, i.offer.attempt); }));
  const auto r = co_await tx.query(kOfferMany, std::move(params));
  for (int row = 0; row < r.rows(); ++row) {
    made.emplace_back(static_cast<std::size_t>(r.get<std::int64_t>(row, "item") - 1), read_trip(r, row));
  }
  co_return made;
}

awaitable<std::optional<Trip>> TripStore::end_offer(pg::Tx& tx, const std::string& id, const std::string& driver_id) {
  auto r = co_await tx.query(kEndOffer, pg::Params{id, driver_id});
  co_return first(r);
}

awaitable<void> TripStore::resolve_offer(pg::Tx& tx, const std::string& trip_id, const std::string& driver_id,
                                         std::string_view outcome) {
  co_await tx.query(kResolveOffer, pg::Params{trip_id, driver_id, outcome});
}

awaitable<std::optional<std::string>> TripStore::offer_outcome(pg::Tx& tx, const std::string& trip_id,
                                                               const std::string& driver_id) {
  auto r = co_await tx.query(kOfferOutcome, pg::Params{trip_id, driver_id});
  if (r.empty()) co_return std::nullopt;
  co_return r.get<std::string>(0, "outcome");
}

namespace {

MatchingView read_matching_view(const pg::Result& r, int row) {
  MatchingView out;
  out.trip = read_trip(r, row);
  out.age_ms = r.get<std::int64_t>(row, "age_ms");
  out.offer_age_ms = r.get<std::optional<std::int64_t>>(row, "offer_age_ms");
  return out;
}

Offer read_offer(const pg::Result& r, int row) {
  return Offer{.driver_id = r.get<std::string>(row, "driver_id"),
               .attempt = r.get<int>(row, "attempt"),
               .outcome = r.get<std::string>(row, "outcome"),
               .offered_at = r.get<std::string>(row, "offered_at"),
               .resolved_at = r.get<std::optional<std::string>>(row, "resolved_at")};
}

}  // namespace

awaitable<std::optional<MatchingView>> TripStore::internal(pg::Pool& db, const std::string& id) {
  const std::vector<std::string> ids{id};
  auto views = co_await internal_many(db, ids);
  if (views.empty()) co_return std::nullopt;
  co_return std::move(views.front());
}

awaitable<std::vector<MatchingView>> TripStore::internal_many(pg::Pool& db, const std::vector<std::string>& ids) {
  // Validated UUIDs (inputs.cpp): no element needs quoting.
  const auto id_list = pg::array_literal(ids, [](std::string& o, const std::string& id) { o += id; });
  auto r = co_await db.query(kInternalMany, pg::Params{id_list});
  std::vector<MatchingView> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  std::unordered_map<std::string, std::size_t> at;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(read_matching_view(r, i));
    at.emplace(out.back().trip.id, out.size() - 1);
  }
  if (out.empty()) co_return out;
  auto offers = co_await db.query(kOffersMany, pg::Params{id_list});
  for (int i = 0; i < offers.rows(); ++i) {
    const auto it = at.find(offers.get<std::string>(i, "trip_id"));
    if (it != at.end()) out[it->second].offers.push_back(read_offer(offers, i));
  }
  co_return out;
}

awaitable<std::vector<std::pair<std::string, std::string>>> TripStore::stale_offers(pg::Pool& db, std::int64_t seconds,
                                                                                    int limit) {
  auto r = co_await db.query(kStaleOffers, pg::Params{seconds, limit});
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.get<std::string>(i, "id"), r.get<std::string>(i, "driver_id"));
  co_return out;
}

awaitable<IdempotencyClaim> TripStore::claim_key(pg::Tx& tx, const std::string& rider_id, const std::string& key,
                                                 const std::string& fingerprint) {
  auto inserted = co_await tx.query(kClaimKey, pg::Params{rider_id, key, fingerprint});
  if (!inserted.empty()) co_return IdempotencyClaim{.fresh = true, .trip_id = inserted.get<std::string>(0, "trip_id")};
  // The other request committed first (the INSERT waited for it); its row is
  // visible to this new statement.
  auto existing = co_await tx.query(kExistingKey, pg::Params{rider_id, key});
  if (existing.empty()) throw UnavailableError("idempotency key vanished while it was being read; retry");
  co_return IdempotencyClaim{.fresh = false,
                             .trip_id = existing.get<std::string>(0, "trip_id"),
                             .same_request = existing.get<std::string_view>(0, "request_hash") == fingerprint};
}

awaitable<std::int64_t> TripStore::prune_keys(pg::Pool& db, std::int64_t older_than_hours) {
  auto r = co_await db.query(kPruneKeys, pg::Params{older_than_hours});
  co_return r.affected_rows();
}

}  // namespace uitgo::trip
