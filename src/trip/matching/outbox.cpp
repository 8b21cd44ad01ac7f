#include "trip/matching/outbox.hpp"

#include <algorithm>
#include <random>

#include "core/base/log.hpp"
#include "core/pg/array_literal.hpp"

namespace uitgo::trip {
namespace {

const std::string kAdd =
    "INSERT INTO outbox (kind, payload, next_attempt_at)"
    " VALUES ($1, $2::jsonb, now() + make_interval(secs => $3)) RETURNING id";

// Ids follow the payloads' order.
const std::string kAddMany =
    "INSERT INTO outbox (kind, payload, next_attempt_at)"
    " SELECT $1, u.payload::jsonb, now() FROM unnest($2::text[]) WITH ORDINALITY AS u(payload, n) ORDER BY u.n";

const std::string kMarkSent = "UPDATE outbox SET sent_at = now(), last_error = NULL WHERE id = ANY($1::bigint[])";

const std::string kClaim =
    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $3)"
    " WHERE id IN (SELECT id FROM outbox"
    "               WHERE kind = $1 AND sent_at IS NULL AND next_attempt_at <= now()"
    "               ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)"
    " RETURNING id, kind, payload::text AS payload, attempts";

const std::string kFailed =
    "UPDATE outbox SET next_attempt_at = now() + make_interval(secs => $2), last_error = $3"
    " WHERE id = $1 AND sent_at IS NULL";

const std::string kUnclaim =
    "UPDATE outbox SET attempts = greatest(attempts - 1, 0), next_attempt_at = now() + make_interval(secs => $2)"
    " WHERE id = ANY($1::bigint[]) AND sent_at IS NULL";

const std::string kBacklog =
    "SELECT kind, count(*) AS n, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest"
    "  FROM outbox WHERE sent_at IS NULL GROUP BY kind";

const std::string kPrune =
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox"
    " WHERE sent_at IS NOT NULL AND sent_at < now() - make_interval(hours => $1) LIMIT 10000)";

std::string id_array(const std::vector<std::int64_t>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "}";
}

double seconds(Millis m) { return static_cast<double>(m.count()) / 1000.0; }

Millis jitter(Millis m) {
  thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> factor(0.8, 1.2);
  return Millis(static_cast<std::int64_t>(static_cast<double>(m.count()) * factor(rng)));
}

}  // namespace

struct OutboxRelay::Kind {
  Kind(std::string name, Deliver deliver) : name(std::move(name)), deliver(std::move(deliver)) {}
  Kind(std::string name, DeliverBatch deliver, std::size_t batch)
      : name(std::move(name)), deliver_batch(std::move(deliver)), batch(std::max<std::size_t>(batch, 1)) {}
  std::string name;
  Deliver deliver;             // one row per call, or
  DeliverBatch deliver_batch;  // up to `batch` rows per call
  std::size_t batch = 1;
  service::PeriodicTask* task = nullptr;
};

awaitable<std::int64_t> Outbox::add(pg::Tx& tx, std::string_view kind, const std::string& payload, Millis delay) {
  auto r = co_await tx.query(kAdd, pg::Params{kind, payload, seconds(delay)});
  co_return r.get<std::int64_t>(0, "id");
}

awaitable<void> Outbox::add_many(pg::Tx& tx, std::string_view kind, const std::vector<std::string>& payloads) {
  if (payloads.empty()) co_return;
  const auto texts = pg::array_literal(payloads, [](std::string& o, const std::string& p) { pg::append_quoted(o, p); });
  co_await tx.query(kAddMany, pg::Params{kind, texts});
}

awaitable<void> Outbox::mark_sent(pg::Pool& db, std::int64_t id) {
  const std::vector<std::int64_t> ids{id};
  co_await db.query(kMarkSent, pg::Params{id_array(ids)});
}

Millis retry_backoff(int attempts, Millis base, Millis max) {
  if (attempts < 1) attempts = 1;
  const int shift = std::min(attempts - 1, 30);
  const auto scaled = base.count() * (std::int64_t{1} << shift);
  return Millis(std::min<std::int64_t>(scaled, max.count()));
}

OutboxRelay::OutboxRelay(pg::Pool& db, metrics::Registry& metrics, RelaySettings settings)
    : db_(db), metrics_(metrics), settings_(settings) {}

OutboxRelay::~OutboxRelay() = default;

void OutboxRelay::add_kind(service::Runtime& runtime, std::string kind, Deliver deliver) {
  auto& k = *kinds_.emplace_back(std::make_unique<Kind>(std::move(kind), std::move(deliver)));
  k.task = &runtime.add_task({.name = "outbox-" + k.name, .period = settings_.poll, .first_delay = Millis(0)},
                             [this, &k]() { return pass(k); });
}

void OutboxRelay::add_kind(service::Runtime& runtime, std::string kind, DeliverBatch deliver, std::size_t batch) {
  auto& k = *kinds_.emplace_back(std::make_unique<Kind>(std::move(kind), std::move(deliver), batch));
  k.task = &runtime.add_task({.name = "outbox-" + k.name, .period = settings_.poll, .first_delay = Millis(0)},
                             [this, &k]() { return pass(k); });
}

void OutboxRelay::notify(std::string_view kind) {
  for (auto& k : kinds_) {
    if (kind.empty() || k->name == kind) k->task->wake();
  }
}

// Drains every due row: batch after batch while batches come back full.
awaitable<void> OutboxRelay::pass(Kind& kind) {
  while (!kind.task->stopping()) {
    const auto handled = co_await drain(kind);
    if (handled < static_cast<std::size_t>(settings_.batch)) break;
  }
}

awaitable<std::size_t> OutboxRelay::drain(Kind& kind) {
  auto claimed =
      co_await db_.query(kClaim, pg::Params{kind.name, settings_.batch, static_cast<double>(settings_.lease.count())});
  std::vector<OutboxRow> rows;
  rows.reserve(static_cast<std::size_t>(claimed.rows()));
  for (int i = 0; i < claimed.rows(); ++i) {
    rows.push_back(OutboxRow{.id = claimed.get<std::int64_t>(i, "id"),
                             .kind = claimed.get<std::string>(i, "kind"),
                             .payload = claimed.get<std::string>(i, "payload"),
                             .attempts = claimed.get<int>(i, "attempts")});
  }
  std::sort(rows.begin(), rows.end(), [](const OutboxRow& a, const OutboxRow& b) { return a.id < b.id; });
  auto& published = metrics_.counter("outbox_published_total", "outbox rows delivered", {{"kind", kind.name}});
  // Exported from the first pass on (alerts name it), not only after a failure.
  (void)failures_counter(kind);
  std::vector<std::int64_t> done;
  std::vector<std::int64_t> untried;
  bool target_failing = false;
  for (std::size_t start = 0; start < rows.size(); start += kind.batch) {
    const auto end = std::min(rows.size(), start + kind.batch);
    const std::vector<OutboxRow> chunk(rows.begin() + static_cast<std::ptrdiff_t>(start),
                                       rows.begin() + static_cast<std::ptrdiff_t>(end));
    if (target_failing || kind.task->stopping()) {
      // After a failure the target is probably down: do not pay a timeout
      // per row; the rest of the batch waits for the next attempt.
      for (const auto& row : chunk) untried.push_back(row.id);
      continue;
    }
    std::vector<bool> delivered;
    std::string error;
    try {
      delivered = co_await deliver(kind, chunk);
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (!error.empty()) target_failing = true;
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      if (error.empty() && i < delivered.size() && delivered[i]) {
        done.push_back(chunk[i].id);
      } else {
        const std::string why = error.empty() ? std::string("not accepted by the target") : error;
        co_await record_failure(kind, chunk[i], why);
      }
    }
  }
  if (!done.empty()) {
    co_await db_.query(kMarkSent, pg::Params{id_array(done)});
    published.inc(done.size());
  }
  if (!untried.empty()) {
    // Not attempted: give the claim back (attempts unchanged) after a short pause.
    const auto pause = jitter(settings_.retry_base);
    try {
      co_await db_.query(kUnclaim, pg::Params{id_array(untried), seconds(pause)});
    } catch (const std::exception& e) {
      log::warn("outbox: returning unattempted rows failed (their lease ends them)", {{"error", e.what()}});
    }
  }
  co_return rows.size() - untried.size();
}

metrics::Counter& OutboxRelay::failures_counter(const Kind& kind) {
  return metrics_.counter("outbox_publish_failures_total", "failed outbox deliveries (retried)", {{"kind", kind.name}});
}

awaitable<std::vector<bool>> OutboxRelay::deliver(Kind& kind, const std::vector<OutboxRow>& rows) {
  if (kind.deliver_batch) co_return co_await kind.deliver_batch(rows);
  co_await kind.deliver(rows.front());
  co_return std::vector<bool>(rows.size(), true);
}

// The row's next attempt after a backoff; the error is kept with it.
awaitable<void> OutboxRelay::record_failure(Kind& kind, const OutboxRow& row, const std::string& error) {
  failures_counter(kind).inc();
  const auto delay = jitter(retry_backoff(row.attempts, settings_.retry_base, settings_.retry_max));
  log::warn("outbox delivery failed; retrying later", {{"kind", kind.name},
                                                       {"outboxId", row.id},
                                                       {"attempts", row.attempts},
                                                       {"retryInMs", delay.count()},
                                                       {"error", error}});
  try {
    co_await db_.query(kFailed, pg::Params{row.id, seconds(delay), error.substr(0, 500)});
  } catch (const std::exception& e) {
    // The lease ends the claim anyway; the row is retried then.
    log::warn("outbox: recording a failed delivery failed", {{"outboxId", row.id}, {"error", e.what()}});
  }
}

awaitable<std::vector<OutboxRelay::Backlog>> OutboxRelay::backlog() {
  auto r = co_await db_.query(kBacklog);
  std::vector<Backlog> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(Backlog{.kind = r.get<std::string>(i, "kind"),
                          .rows = r.get<std::int64_t>(i, "n"),
                          .oldest_seconds = r.get<double>(i, "oldest")});
  }
  co_return out;
}

awaitable<void> OutboxRelay::export_backlog(metrics::Registry& metrics) {
  const auto rows = co_await backlog();
  for (const auto& kind : kinds_) {
    Backlog b{.kind = kind->name};
    for (const auto& r : rows) {
      if (r.kind == kind->name) b = r;
    }
    metrics.gauge("outbox_backlog", "outbox rows not delivered yet", {{"kind", b.kind}})
        .set(static_cast<double>(b.rows));
    metrics.gauge("outbox_oldest_pending_seconds", "age of the oldest undelivered outbox row", {{"kind", b.kind}})
        .set(b.oldest_seconds);
  }
}

awaitable<std::int64_t> OutboxRelay::prune(std::int64_t older_than_hours) {
  auto r = co_await db_.query(kPrune, pg::Params{older_than_hours});
  co_return r.affected_rows();
}

}  // namespace uitgo::trip
