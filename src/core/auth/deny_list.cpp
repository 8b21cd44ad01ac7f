#include "core/auth/deny_list.hpp"

#include <mutex>

namespace uitgo::auth {

bool DenyList::denies(std::string_view user, std::int64_t issued_at) const {
  const std::shared_lock lock(mutex_);
  const auto found = cutoffs_.find(user);
  return found != cutoffs_.end() && issued_at <= found->second;
}

std::vector<std::string> DenyList::replace(std::map<std::string, std::int64_t> cutoffs) {
  std::vector<std::string> raised;
  const std::unique_lock lock(mutex_);
  for (const auto& [user, cutoff] : cutoffs) {
    const auto held = cutoffs_.find(user);
    if (held == cutoffs_.end() || held->second < cutoff) raised.push_back(user);
  }
  cutoffs_ = std::map<std::string, std::int64_t, std::less<>>(cutoffs.begin(), cutoffs.end());
  return raised;
}

bool DenyList::add(const std::string& user, std::int64_t cutoff) {
  const std::unique_lock lock(mutex_);
  auto& held = cutoffs_[user];
  if (held >= cutoff) return false;
  held = cutoff;
  return true;
}

std::size_t DenyList::size() const {
  const std::shared_lock lock(mutex_);
  return cutoffs_.size();
}

}  // namespace uitgo::auth
