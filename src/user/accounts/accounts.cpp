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
  auto user = co_await AccountStore::update_profile(db_, user_id, input.name, input.phone, input.clear_phone);
  if (!user) throw account_not_found();
  co_return std::move(*user);
}

awaitable<User> Accounts::admin_update(const Principal& admin, const std::string& user_id,
                                       const AdminUserChange& change) {
  if (admin.user_id == user_id) {
    if (change.disabled == true) throw DomainError::forbidden("an admin cannot disable their own account");
    if (change.role && *change.role != "admin") {
      throw DomainError::forbidden("an admin cannot change their own role (another admin can)");
    }
  }
  auto body = [&](pg::Tx& tx) -> awaitable<bool> {
    const bool updated = co_await AccountStore::update_admin_fields(tx, user_id, change.role, change.disabled);
    if (!updated) co_return false;
    if (change.disabled == true) co_await AccountStore::revoke_all_refresh_tokens(tx, user_id);
    co_return true;
  };
  const bool found = co_await db_.transaction(body);
  if (!found) throw account_not_found();
  co_return co_await get(user_id);
}

awaitable<AccountStore::UserPage> Accounts::list(const AdminUserQuery& query) {
  const AccountStore::UserFilter filter{
      .role = query.role, .disabled = query.disabled, .search = query.q, .limit = query.limit, .offset = query.offset};
  co_return co_await AccountStore::list(db_, filter);
}

}  // namespace uitgo::user
