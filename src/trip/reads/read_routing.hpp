// Which Postgres server serves a trip read (SPEC "Read replica").
//
// With TRIP_DB_REPLICA_DSN set, reads go to the streaming replica and every
// write to the primary. Read-your-writes across any number of trip-service
// instances: after a committed trip write, the primary's WAL position is
// remembered in Redis (trip:ryw:<userId>, READ_YOUR_WRITES_SECONDS) for the
// caller and the trip's rider and driver. A read by someone with a remembered
// position goes to the replica only once the replica has replayed that far;
// otherwise to the primary. Everyone else reads the replica and may see data
// a few milliseconds old (the accepted trade-off).
//
// Failures never fail a read: a replica error sends the read to the primary
// and rests the replica for TRIP_REPLICA_RETRY_MS (so a dead replica does not
// add its timeout to every request); the replica pool's deadlines are capped
// at TRIP_REPLICA_TIMEOUT_MS. A Redis error while looking up the caller's
// position sends the read to the primary. A Redis error while remembering a
// write is logged and counted (trip_read_your_writes_errors_total) and does not
// fail the write; that caller's next reads may then be stale for as long as
// the replica lags.
//
// Metrics: trip_reads_total{target, reason} (reasons in read_policy.hpp),
// trip_replica_lag_bytes, trip_replica_lag_seconds, trip_replica_up (updated
// by refresh_lag(), from the maintenance loop).
#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/base/async.hpp"
#include "core/base/config.hpp"
#include "core/base/metrics.hpp"
#include "core/pg/pool.hpp"
#include "core/redis/client.hpp"
#include "trip/reads/read_policy.hpp"

namespace uitgo::trip {

// READ_YOUR_WRITES_SECONDS, TRIP_REPLICA_TIMEOUT_MS, TRIP_REPLICA_RETRY_MS.
config::Spec read_routing_spec();

struct ReadRoutingSettings {
  std::chrono::seconds remember{30};
  Millis replica_timeout{500};
  Millis replica_rest{2000};
  static ReadRoutingSettings from(const config::Values& config);
};

class ReadRouting {
 public:
  // `replica` may be null (no TRIP_DB_REPLICA_DSN): every read goes to `primary`.
  ReadRouting(pg::Pool& primary, pg::Pool* replica, redis::Client& redis, metrics::Registry& metrics,
              ReadRoutingSettings settings);

  bool has_replica() const { return replica_ != nullptr; }
  pg::Pool& primary() { return primary_; }

  // Runs `read(pool)` (returning awaitable<T>) on the replica when it may
  // serve `caller` (a user id; nullopt: someone without writes of their own),
  // otherwise, or when the replica fails, on the primary. DomainErrors thrown by
  // `read` pass through. `read` may run twice: it must only read.
  template <typename Read>
  auto read(const std::optional<std::string>& caller, Read read) -> std::invoke_result_t<Read&, pg::Pool&>;

  // After a committed write: the next reads of `users` must see it. Never
  // throws. Does nothing without a replica.
  awaitable<void> wrote(std::vector<std::string> users);

  // Updates the lag gauges; never throws.
  awaitable<void> refresh_lag();

 private:
  awaitable<ReadChoice> choose(const std::optional<std::string>& caller);
  awaitable<std::optional<Lsn>> last_write_of(const std::string& user);
  awaitable<std::optional<Lsn>> replica_replay_position();
  void learned_replay(Lsn lsn);
  // Logs, rests the replica when it is down or slow, and returns the reason
  // to count the primary read under.
  std::string_view replica_failed(std::exception_ptr error, std::string_view during);
  bool resting() const;
  void count(ReadTarget target, std::string_view reason);

  pg::Pool& primary_;
  pg::Pool* replica_;
  redis::Client& redis_;
  metrics::Registry& metrics_;
  ReadRoutingSettings settings_;
  redis::Script remember_;
  // A replay position the replica has reached (it only moves forward), so a
  // caller whose write is older needs no question to the replica.
  std::atomic<Lsn> replayed_{0};
  std::atomic<Clock::rep> rest_until_{0};
};

template <typename Read>
auto ReadRouting::read(const std::optional<std::string>& caller, Read read) -> std::invoke_result_t<Read&, pg::Pool&> {
  const auto choice = co_await choose(caller);
  if (choice.target == ReadTarget::replica) {
    using T = typename std::invoke_result_t<Read&, pg::Pool&>::value_type;
    std::optional<T> value;
    std::exception_ptr failure;
    try {
      value.emplace(co_await read(*replica_));
    } catch (const DomainError&) {
      throw;
    } catch (...) {
      failure = std::current_exception();
    }
    if (!failure) {
      count(ReadTarget::replica, choice.reason);
      co_return std::move(*value);
    }
    count(ReadTarget::primary, replica_failed(failure, "read"));
  } else {
    count(ReadTarget::primary, choice.reason);
  }
  co_return co_await read(primary_);
}

}  // namespace uitgo::trip
