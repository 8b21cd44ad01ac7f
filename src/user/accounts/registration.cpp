#include "user/accounts/registration.hpp"

#include "core/base/log.hpp"

namespace uitgo::user {

awaitable<void> DriverRegistration::compensate(const std::string& user_id, const std::string& request_id) {
  bool deleted = false;
  std::string problem;
  try {
    deleted = co_await drivers_.delete_profile(user_id, request_id);
  } catch (const std::exception& e) {
    problem = e.what();
  }
  if (deleted) {
    log::warn("driver registration rolled back; profile removed", {{"userId", user_id}, {"request_id", request_id}});
  } else {
    log::error("driver profile may be orphaned: remove it with DELETE /internal/drivers/{id}",
               {{"userId", user_id}, {"error", problem}, {"request_id", request_id}});
  }
}

awaitable<Session> DriverRegistration::register_driver(const DriverSignup& signup, const std::string& request_id) {
  std::string password_hash = co_await hasher_.hash(signup.account.password);
  const NewUser user{.name = signup.account.name,
                     .email = signup.account.email,
                     .phone = signup.account.phone,
                     .password_hash = std::move(password_hash),
                     .role = "driver"};
  std::string user_id;
  bool profile_may_exist = false;
  auto body = [&](pg::Tx& tx) -> awaitable<Session> {
    auto created = co_await AccountStore::create(tx, user);
    user_id = created.id;
    boost::json::object profile = signup.profile;
    profile["id"] = created.id;
    profile["fullName"] = created.name;
    profile["phone"] = *signup.account.phone;
    profile_may_exist = true;  // from here on, a failure may leave a profile behind
    try {
      co_await drivers_.create_profile(profile, request_id);
    } catch (const DomainError&) {
      profile_may_exist = false;  // refused: nothing was created
      throw;
    }
    co_return co_await open_session(tx, created, kNewFamily, jwt_);
  };
  std::optional<Session> session;
  std::exception_ptr failure;
  try {
    session.emplace(co_await db_.transaction(body));
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    if (profile_may_exist) co_await compensate(user_id, request_id);
    std::rethrow_exception(failure);
  }
  log::info("driver registered", {{"user_id", session->user.id}, {"request_id", request_id}});
  co_return std::move(*session);
}

}  // namespace uitgo::user
