// Access tokens that stop working before they expire: a user disabled, or
// signed out everywhere, gets a cutoff, and every token of theirs issued at or
// before it (iat <= cutoff, whole seconds) is refused. The list lives in Redis
// (core/service/deny_list_sync.hpp); each process checks this local copy, so
// the check costs no round trip. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace uitgo::auth {

class DenyList {
 public:
  bool denies(std::string_view user, std::int64_t issued_at) const;
  // Makes the list equal to `cutoffs`; the users whose cutoff is new or later.
  std::vector<std::string> replace(std::map<std::string, std::int64_t> cutoffs);
  // One entry at once (the process that wrote it to Redis); true when it is
  // new or later than the one held.
  bool add(const std::string& user, std::int64_t cutoff);
  std::size_t size() const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::int64_t, std::less<>> cutoffs_;
};

}  // namespace uitgo::auth
