#include "trip/outbox.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>

#include <algorithm>
#include <random>

#include "core/base/log.hpp"

namespace uitgo::trip {
namespace {

const std::string kAdd =
    "INSERT INTO outbox (kind, payload, next_attempt_at)"
    " VALUES ($1, $2::jsonb, now() + make_interval(secs => $3)) RETURNING id";

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
  Kind(std::string name, Deliver deliver, asio::strand<asio::any_io_executor>& strand)
      : name(std::move(name)), deliver(std::move(deliver)), timer(strand) {}
  std::string name;
  Deliver deliver;
  asio::steady_timer timer;
  std::atomic<bool> pending{false};
};

awaitable<std::int64_t> Outbox::add(pg::Tx& tx, std::string_view kind, const std::string& payload, Millis delay) {
  auto r = co_await tx.query(kAdd, pg::Params{kind, payload, seconds(delay)});
  co_return r.get<std::int64_t>(0, "id");
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

OutboxRelay::OutboxRelay(asio::any_io_executor executor, pg::Pool& db, metrics::Registry& metrics,
                         RelaySettings settings)
    : db_(db), metrics_(metrics), settings_(settings), strand_(asio::make_strand(std::move(executor))) {}

OutboxRelay::~OutboxRelay() = default;

void OutboxRelay::add_kind(std::string kind, Deliver deliver) {
  kinds_.push_back(std::make_unique<Kind>(std::move(kind), std::move(deliver), strand_));
}

void OutboxRelay::start() {
  for (auto& kind : kinds_) {
    running_.fetch_add(1);
    asio::co_spawn(strand_, loop(*kind), [this](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& failure) {
          log::error("outbox relay loop ended with an error", {{"error", failure.what()}});
        }
      }
      running_.fetch_sub(1);
    });
  }
  log::info("outbox relay started", {{"pollMs", settings_.poll.count()}, {"batch", settings_.batch}});
}

void OutboxRelay::notify() {
  for (auto& kind : kinds_) {
    kind->pending.store(true);
    asio::post(strand_, [k = kind.get()] { k->timer.cancel(); });
  }
}

awaitable<void> OutboxRelay::stop(Millis grace) {
  stopping_.store(true);
  notify();
  asio::steady_timer pause(co_await asio::this_coro::executor);
  const auto deadline = Clock::now() + grace;
  while (running_.load() > 0 && Clock::now() < deadline) {
    pause.expires_after(Millis(10));
    co_await pause.async_wait(use_awaitable);
  }
  if (running_.load() > 0) log::warn("outbox relay still busy at shutdown; unsent rows stay for the next start");
}

awaitable<void> OutboxRelay::loop(Kind& kind) {
  while (!stopping_.load()) {
    std::size_t handled = 0;
    try {
      handled = co_await drain(kind);
    } catch (const std::exception& e) {
      // Postgres unavailable or similar: the rows wait; try again after a poll.
      log::warn("outbox relay: claiming rows failed", {{"kind", kind.name}, {"error", e.what()}});
    }
    if (stopping_.load()) break;
    if (handled >= static_cast<std::size_t>(settings_.batch)) continue;  // more may be due
    if (kind.pending.exchange(false)) continue;                          // notified while draining
    kind.timer.expires_after(settings_.poll);
    boost::system::error_code ec;
    co_await kind.timer.async_wait(asio::redirect_error(use_awaitable, ec));
    kind.pending.store(false);
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
  auto& failures =
      metrics_.counter("outbox_publish_failures_total", "failed outbox deliveries (retried)", {{"kind", kind.name}});
  std::vector<std::int64_t> done;
  std::vector<std::int64_t> untried;
  for (const auto& row : rows) {
    if (!untried.empty() || stopping_.load()) {
      // After a failure the target is probably down: do not pay a timeout
      // per row; the rest of the batch waits for the next attempt.
      untried.push_back(row.id);
      continue;
    }
    std::string error;
    try {
      co_await kind.deliver(row);
      done.push_back(row.id);
      continue;
    } catch (const std::exception& e) {
      error = e.what();
    }
    untried.push_back(-1);  // marker: later rows are skipped
    failures.inc();
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
  if (!done.empty()) {
    co_await db_.query(kMarkSent, pg::Params{id_array(done)});
    published.inc(done.size());
  }
  std::erase(untried, -1);
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

awaitable<std::vector<OutboxRelay::Backlog>> OutboxRelay::backlog() {
  auto r = co_await db_.query(kBacklog);
  std::vector<Backlog> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(Backlog{.kind = r.get<std::string>(i, "kind"),
                          .rows = r.get<std::int64_t>(i, "n"),
                          .oldest_seconds = r.get<double>(i, "oldest")});
  }
  co_return out;
}

awaitable<std::int64_t> OutboxRelay::prune(std::int64_t older_than_hours) {
  auto r = co_await db_.query(kPrune, pg::Params{older_than_hours});
  co_return r.affected_rows();
}

}  // namespace uitgo::trip
