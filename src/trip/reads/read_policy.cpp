#include "trip/reads/read_policy.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace uitgo::trip {
namespace {

std::optional<std::uint32_t> parse_hex32(std::string_view text) {
  if (text.empty() || text.size() > 8) return std::nullopt;
  std::uint32_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, 16);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

std::optional<Lsn> parse_lsn(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto high = parse_hex32(text.substr(0, slash));
  const auto low = parse_hex32(text.substr(slash + 1));
  if (!high || !low) return std::nullopt;
  return (static_cast<Lsn>(*high) << 32) | *low;
}

std::string format_lsn(Lsn lsn) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%X/%X", static_cast<unsigned>(lsn >> 32), static_cast<unsigned>(lsn));
  return buffer;
}

ReadChoice choose_read(const ReadState& s) {
  if (!s.has_replica) return {ReadTarget::primary, "no_replica"};
  if (s.replica_resting) return {ReadTarget::primary, "replica_resting"};
  // Without the caller's write position we cannot tell whether the replica
  // has it: the primary is the safe answer.
  if (s.memory_failed) return {ReadTarget::primary, "memory_error"};
  if (!s.last_write) return {ReadTarget::replica, "replica"};
  if (s.replayed && *s.replayed >= *s.last_write) return {ReadTarget::replica, "caught_up"};
  if (!s.replay_fresh) return {ReadTarget::ask_replica, "read_your_writes"};
  return {ReadTarget::primary, "read_your_writes"};
}

ReplicaLag replica_lag(Lsn primary, Lsn replay, std::optional<Lsn> receive, std::optional<double> replay_age) {
  ReplicaLag lag;
  lag.bytes = primary > replay ? static_cast<double>(primary - replay) : 0.0;
  const bool caught_up = replay >= primary || (receive && replay >= *receive);
  lag.seconds = caught_up || !replay_age ? 0.0 : std::max(0.0, *replay_age);
  return lag;
}

}  // namespace uitgo::trip
