#include "user/accounts/accounts.hpp"

namespace uitgo::user {
namespace {

DomainError account_not_found() { return DomainError::not_found("account not found"); }

}  // namespace

awaitable<User> Accounts::get(const std::string& user_id) {
  auto user = co_await AccountStore::by_id(db_, user_id);
  if (!user) throw account_not_found();
  co_return std::move(*user);
}

awaitable<User> Accounts::update_profile(const std::string& user_id, const ProfileUpdate& input) {
  auto user = co_await AccountStore::update_profile(db_, user_id, input.name, input.phone);
  if (!user) throw account_not_found();
  co_return std::move(*user);
}

awaitable<User> Accounts::set_disabled(const std::string& user_id, bool disabled) {
  auto body = [&](pg::Tx& tx) -> awaitable<bool> {
    if (!co_await AccountStore::set_disabled(tx, user_id, disabled)) co_return false;
    if (disabled) co_await AccountStore::revoke_all_refresh_tokens(tx, user_id);
    co_return true;
  };
  const bool found = co_await db_.transaction(body);
  if (!found) throw account_not_found();
  co_return co_await get(user_id);
}

}  // namespace uitgo::user
