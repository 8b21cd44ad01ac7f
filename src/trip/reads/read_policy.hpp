// The pure part of read routing (read_routing.hpp): WAL positions as numbers,
// the choice of the server that serves one trip read, and the replica's lag.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace uitgo::trip {

// A PostgreSQL WAL position (pg_lsn), e.g. "16/B374D848" = 0x16B374D848.
using Lsn = std::uint64_t;
std::optional<Lsn> parse_lsn(std::string_view text);
std::string format_lsn(Lsn lsn);

enum class ReadTarget { replica, primary, ask_replica };

struct ReadChoice {
  ReadTarget target = ReadTarget::primary;
  // The trip_reads_total label: replica, caught_up (the caller's last write
  // is replayed), no_replica, replica_resting (failed moments ago),
  // read_your_writes (not replayed yet), memory_error (the caller's last
  // write position could not be read), replica_error, replica_busy.
  std::string_view reason;
};

struct ReadState {
  bool has_replica = false;
  bool replica_resting = false;
  bool memory_failed = false;
  std::optional<Lsn> last_write;  // primary WAL position after the caller's last write, if recent
  std::optional<Lsn> replayed;    // a replay position the replica is known to have reached
  bool replay_fresh = false;      // `replayed` was just asked from the replica
};

// ask_replica: the known replay position is older than the caller's write;
// ask the replica for its current one and choose again with replay_fresh.
ReadChoice choose_read(const ReadState& state);

struct ReplicaLag {
  double bytes = 0;
  double seconds = 0;
};

// primary: pg_current_wal_lsn() on the primary; replay / receive:
// pg_last_wal_replay_lsn() / pg_last_wal_receive_lsn() on the replica;
// replay_age: now() - pg_last_xact_replay_timestamp() there, in seconds. A
// replica that has replayed all it received (or all the primary has) is not
// behind, however old its last replayed transaction is (an idle primary).
ReplicaLag replica_lag(Lsn primary, Lsn replay, std::optional<Lsn> receive, std::optional<double> replay_age);

}  // namespace uitgo::trip
