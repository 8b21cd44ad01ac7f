#include "trip/reads/read_routing.hpp"

#include <algorithm>

#include "core/base/log.hpp"

namespace uitgo::trip {
namespace {

std::string memory_key(const std::string& user) { return "trip:ryw:" + user; }

// KEYS: trip:ryw:<userId>...; ARGV: the WAL position (decimal), seconds to
// keep it. Keeps the highest position, so a late answer of an older write
// never hides a newer one. (Lua numbers are exact up to 2^53 bytes of WAL.)
constexpr const char* kRemember = R"lua(
local lsn = tonumber(ARGV[1])
for _, key in ipairs(KEYS) do
  local current = tonumber(redis.call('GET', key) or '')
  if current == nil or lsn > current then
    redis.call('SET', key, ARGV[1], 'EX', ARGV[2])
  else
    redis.call('EXPIRE', key, ARGV[2])
  end
end
return #KEYS
)lua";

std::optional<Lsn> lsn_column(const pg::Result& r, std::string_view column) {
  const auto text = r.get<std::optional<std::string>>(0, column);
  return text ? parse_lsn(*text) : std::nullopt;
}

}  // namespace

config::Spec read_routing_spec() {
  config::Spec s;
  s.integer("READ_YOUR_WRITES_SECONDS", 30, 1, 86400,
            "with a replica: how long after a trip write its rider, driver and author read it from the primary "
            "unless the replica has replayed it (kept in Redis, trip:ryw:<userId>)")
      .integer("TRIP_REPLICA_TIMEOUT_MS", 500, 10, 600000,
               "with a replica: cap of its connect, acquire and query deadlines (a slow replica read is re-run on "
               "the primary)")
      .integer("TRIP_REPLICA_RETRY_MS", 2000, 0, 600000,
               "with a replica: after it fails (down, timeout), reads go to the primary for this long");
  return s;
}

ReadRoutingSettings ReadRoutingSettings::from(const config::Values& c) {
  return {.remember = std::chrono::seconds(c.integer("READ_YOUR_WRITES_SECONDS")),
          .replica_timeout = c.millis("TRIP_REPLICA_TIMEOUT_MS"),
          .replica_rest = c.millis("TRIP_REPLICA_RETRY_MS")};
}

ReadRouting::ReadRouting(pg::Pool& primary, pg::Pool* replica, redis::Client& redis, metrics::Registry& metrics,
                         ReadRoutingSettings settings)
    : primary_(primary),
      replica_(replica),
      redis_(redis),
      metrics_(metrics),
      settings_(settings),
      remember_(kRemember) {}

bool ReadRouting::resting() const { return Clock::now().time_since_epoch().count() < rest_until_.load(); }

void ReadRouting::count(ReadTarget target, std::string_view reason) {
  metrics_
      .counter("trip_reads_total", "trip reads by the server that served them and why",
               {{"target", target == ReadTarget::replica ? "replica" : "primary"}, {"reason", std::string(reason)}})
      .inc();
}

void ReadRouting::learned_replay(Lsn lsn) {
  auto known = replayed_.load();
  while (lsn > known && !replayed_.compare_exchange_weak(known, lsn)) {
  }
}

std::string_view ReadRouting::replica_failed(std::exception_ptr error, std::string_view during) {
  std::string what = "unknown error";
  bool down = false;  // unreachable or slow, as opposed to busy or a rejected statement
  try {
    std::rethrow_exception(error);
  } catch (const OverloadedError& e) {
    what = e.what();
  } catch (const UnavailableError& e) {
    what = e.what();
    down = true;
  } catch (const TimeoutError& e) {
    what = e.what();
    down = true;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  if (down) {
    const auto until = Clock::now() + settings_.replica_rest;
    rest_until_.store(until.time_since_epoch().count());
    replayed_.store(0);  // a replica that comes back may be a new one
  }
  log::warn("replica read failed; reading from the primary",
            {{"during", during}, {"error", what}, {"restMs", down ? settings_.replica_rest.count() : 0}});
  return down ? "replica_error" : "replica_busy";
}

awaitable<std::optional<Lsn>> ReadRouting::last_write_of(const std::string& user) {
  const auto key = memory_key(user);
  redis::Command get{"GET", key};
  const auto reply = co_await redis_.command(std::move(get));
  const auto text = reply.as_optional_string();
  if (!text) co_return std::nullopt;
  try {
    co_return static_cast<Lsn>(std::stoull(*text));
  } catch (const std::exception&) {
    co_return std::nullopt;  // not ours: ignore
  }
}

awaitable<std::optional<Lsn>> ReadRouting::replica_replay_position() {
  const auto r = co_await replica_->query("SELECT pg_last_wal_replay_lsn()::text AS replay");
  const auto replay = lsn_column(r, "replay");  // NULL: not a standby at all
  if (replay) learned_replay(*replay);
  co_return replay;
}

awaitable<ReadChoice> ReadRouting::choose(const std::optional<std::string>& caller) {
  ReadState state;
  state.has_replica = replica_ != nullptr;
  state.replica_resting = state.has_replica && resting();
  if (state.has_replica && !state.replica_resting && caller) {
    try {
      state.last_write = co_await last_write_of(*caller);
    } catch (const std::exception& e) {
      state.memory_failed = true;
      metrics_
          .counter("trip_read_your_writes_errors_total", "Redis failures of the read-your-writes memory",
                   {{"op", "lookup"}})
          .inc();
      log::warn("read-your-writes lookup failed; reading from the primary", {{"error", e.what()}});
    }
  }
  if (const auto known = replayed_.load(); known > 0) state.replayed = known;
  auto choice = choose_read(state);
  if (choice.target != ReadTarget::ask_replica) co_return choice;
  std::exception_ptr failure;
  try {
    state.replayed = co_await replica_replay_position();
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) co_return ReadChoice{ReadTarget::primary, replica_failed(failure, "replay position")};
  state.replay_fresh = true;
  co_return choose_read(state);
}

awaitable<void> ReadRouting::wrote(std::vector<std::string> users) {
  if (!replica_ || users.empty()) co_return;
  std::sort(users.begin(), users.end());
  users.erase(std::unique(users.begin(), users.end()), users.end());
  try {
    // Any session's current WAL position, read after the commit returned, is
    // at or past that commit's record.
    const auto r = co_await primary_.query("SELECT pg_current_wal_lsn()::text AS lsn");
    const auto lsn = lsn_column(r, "lsn");
    if (!lsn) throw std::runtime_error("the primary reported no WAL position");
    redis::Command keys;
    for (const auto& user : users) {
      const auto key = memory_key(user);
      keys.push(key);
    }
    redis::Command args{std::to_string(*lsn), static_cast<std::int64_t>(settings_.remember.count())};
    co_await redis_.eval(remember_, std::move(keys), std::move(args));
  } catch (const std::exception& e) {
    metrics_
        .counter("trip_read_your_writes_errors_total", "Redis failures of the read-your-writes memory",
                 {{"op", "remember"}})
        .inc();
    log::warn("could not remember a trip write for read-your-writes", {{"error", e.what()}});
  }
}

awaitable<void> ReadRouting::refresh_lag() {
  if (!replica_) co_return;
  auto& up = metrics_.gauge("trip_replica_up", "1 when the trip_db read replica answered the last lag probe");
  try {
    const auto p = co_await primary_.query("SELECT pg_current_wal_lsn()::text AS lsn");
    const auto r = co_await replica_->query(
        "SELECT pg_last_wal_replay_lsn()::text AS replay, pg_last_wal_receive_lsn()::text AS receive,"
        " extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS age");
    const auto primary = lsn_column(p, "lsn");
    const auto replay = lsn_column(r, "replay");
    if (!primary || !replay) throw std::runtime_error("TRIP_DB_REPLICA_DSN does not point at a standby");
    learned_replay(*replay);
    const auto lag = replica_lag(*primary, *replay, lsn_column(r, "receive"), r.get<std::optional<double>>(0, "age"));
    metrics_.gauge("trip_replica_lag_bytes", "WAL bytes the trip_db read replica has not replayed yet").set(lag.bytes);
    metrics_
        .gauge("trip_replica_lag_seconds",
               "age of the last transaction the trip_db replica replayed, while it is behind (0 when caught up)")
        .set(lag.seconds);
    up.set(1);
  } catch (const std::exception& e) {
    up.set(0);
    log::warn("replica lag probe failed", {{"error", e.what()}});
  }
}

}  // namespace uitgo::trip
