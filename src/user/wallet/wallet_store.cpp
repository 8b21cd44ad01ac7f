#include "user/wallet/wallet_store.hpp"

namespace uitgo::user::wallet {
namespace {

// clang-format off
#define UITGO_UTC_TEXT(column) "to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

constexpr const char* kEntryColumns =
    "id::text AS id, kind, amount, balance_after, trip_id::text AS trip_id, "
    UITGO_UTC_TEXT("created_at") " AS created_at";

// The upsert takes the row lock whether it inserted or not.
const std::string kLock =
    "INSERT INTO wallets (user_id) VALUES ($1)"
    " ON CONFLICT (user_id) DO UPDATE SET user_id = EXCLUDED.user_id RETURNING balance";

const std::string kFindKey =
    std::string("SELECT ") + kEntryColumns + " FROM wallet_transactions WHERE business_key = $1";

const std::string kAppend =
    std::string("INSERT INTO wallet_transactions (user_id, kind, amount, business_key, trip_id, balance_after)"
    " VALUES ($1, $2, $3, coalesce($4, 'topup:' || $7::text || ':' || gen_random_uuid()::text), $5, $6)"
    " ON CONFLICT (business_key) DO NOTHING RETURNING ") + kEntryColumns;

const std::string kMove =
    "UPDATE wallets SET balance = balance + $2, updated_at = now() WHERE user_id = $1";

const std::string kWallet =
    "WITH w AS (INSERT INTO wallets (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING"
    "           RETURNING balance, reward_points, updated_at)"
    " SELECT balance, reward_points, " UITGO_UTC_TEXT("updated_at") " AS updated_at FROM w"
    " UNION ALL"
    " SELECT balance, reward_points, " UITGO_UTC_TEXT("updated_at") " AS updated_at FROM wallets WHERE user_id = $1";

const std::string kBalance = "SELECT balance FROM wallets WHERE user_id = $1";

const std::string kList =
    std::string("SELECT ") + kEntryColumns + ", count(*) OVER () AS total"
    "  FROM wallet_transactions WHERE user_id = $1"
    " ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3";

const std::string kCount = "SELECT count(*) AS n FROM wallet_transactions WHERE user_id = $1";

const std::string kRevenue =
    "SELECT coalesce(sum(amount) FILTER (WHERE created_at > now() - interval '7 days'), 0)::bigint AS week,"
    "       coalesce(sum(amount), 0)::bigint AS month,"
    "       (SELECT coalesce(max(balance), 0) FROM wallets WHERE user_id = $1)::bigint AS balance"
    "  FROM wallet_transactions"
    " WHERE user_id = $1 AND kind = 'earning' AND created_at > now() - interval '30 days'";

// The last 7 calendar days in Vietnam, oldest first, with that day's earnings.
const std::string kDays =
    "SELECT extract(isodow FROM d)::int AS dow,"
    "       coalesce((SELECT sum(t.amount) FROM wallet_transactions t"
    "                  WHERE t.user_id = $1 AND t.kind = 'earning'"
    "                    AND t.created_at >= (d::timestamp AT TIME ZONE $2)"
    "                    AND t.created_at < ((d + 1)::timestamp AT TIME ZONE $2)), 0)::bigint AS amount"
    "  FROM generate_series(((now() AT TIME ZONE $2)::date - 6)::timestamp,"
    "                       ((now() AT TIME ZONE $2)::date)::timestamp, interval '1 day') g(day),"
    "       LATERAL (SELECT g.day::date AS d) x"
    " ORDER BY d";
#undef UITGO_UTC_TEXT
// clang-format on

Entry read_entry(const pg::Result& r, int row) {
  return {.id = r.get<std::string>(row, "id"),
          .kind = parse_kind(r.get<std::string>(row, "kind")).value_or(Kind::adjustment),
          .amount = r.get<std::int64_t>(row, "amount"),
          .balance_after = r.get<std::int64_t>(row, "balance_after"),
          .trip_id = r.get<std::optional<std::string>>(row, "trip_id"),
          .created_at = r.get<std::string>(row, "created_at")};
}

}  // namespace

awaitable<std::int64_t> WalletStore::lock(pg::Tx& tx, const std::string& user_id) {
  const auto r = co_await tx.query(kLock, pg::Params{user_id});
  co_return r.get<std::int64_t>(0, "balance");
}

awaitable<std::optional<Entry>> WalletStore::find_key(pg::Tx& tx, const std::string& key) {
  const auto r = co_await tx.query(kFindKey, pg::Params{key});
  if (r.rows() == 0) co_return std::nullopt;
  co_return read_entry(r, 0);
}

awaitable<std::optional<Entry>> WalletStore::append(pg::Tx& tx, const Posting& p, std::int64_t balance) {
  const auto r = co_await tx.query(
      kAppend, pg::Params{p.user_id, to_string(p.kind), p.amount, p.key, p.trip_id, balance + p.amount, p.user_id});
  if (r.rows() == 0) co_return std::nullopt;
  co_await tx.query(kMove, pg::Params{p.user_id, p.amount});
  co_return read_entry(r, 0);
}

awaitable<WalletView> WalletStore::wallet(pg::Pool& db, const std::string& user_id) {
  const auto r = co_await db.query(kWallet, pg::Params{user_id});
  co_return WalletView{.balance = r.get<std::int64_t>(0, "balance"),
                       .reward_points = r.get<std::int64_t>(0, "reward_points"),
                       .updated_at = r.get<std::string>(0, "updated_at")};
}

awaitable<std::int64_t> WalletStore::balance(pg::Pool& db, const std::string& user_id) {
  const auto r = co_await db.query(kBalance, pg::Params{user_id});
  co_return r.rows() == 0 ? 0 : r.get<std::int64_t>(0, "balance");
}

awaitable<EntryPage> WalletStore::list(pg::Pool& db, const std::string& user_id, const Page& page) {
  const auto r = co_await db.query(kList, pg::Params{user_id, page.limit, page.offset});
  EntryPage out;
  out.items.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.items.push_back(read_entry(r, i));
  if (r.rows() > 0) {
    out.total = r.get<std::int64_t>(0, "total");
  } else {
    const auto c = co_await db.query(kCount, pg::Params{user_id});  // an offset past the end
    out.total = c.get<std::int64_t>(0, "n");
  }
  co_return out;
}

awaitable<Summary> WalletStore::summary(pg::Pool& db, const std::string& user_id) {
  const auto totals = co_await db.query(kRevenue, pg::Params{user_id});
  const auto days = co_await db.query(kDays, pg::Params{user_id, kTimeZone});
  Summary s{.balance = totals.get<std::int64_t>(0, "balance"),
            .weekly_revenue = totals.get<std::int64_t>(0, "week"),
            .monthly_revenue = totals.get<std::int64_t>(0, "month")};
  for (int i = 0; i < days.rows(); ++i) {
    s.recent.push_back(DayEarning{.label = std::string(weekday_label(days.get<int>(i, "dow"))),
                                  .amount = days.get<std::int64_t>(i, "amount")});
  }
  co_return s;
}

}  // namespace uitgo::user::wallet
