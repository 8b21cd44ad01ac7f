#include "user/driver_registration.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <memory>

#include "core/base/json_body.hpp"
#include "core/base/log.hpp"
#include "core/http/client.hpp"
#include "user/account_input.hpp"
#include "user/accounts.hpp"
#include "user/session.hpp"

namespace uitgo::user {
namespace {

using http::Request;
using http::Response;

struct Registration {
  Registration(service::Runtime& runtime, pg::Pool& db, PasswordHasher& hasher, const auth::Jwt& jwt,
               const std::string& internal_token)
      : db(db),
        hasher(hasher),
        jwt(jwt),
        driver_service(runtime.executor(), {.base_url = runtime.config().str("DRIVER_SERVICE_URL"),
                                            .timeout = runtime.config().millis("DRIVER_SERVICE_TIMEOUT_MS"),
                                            .internal_token = internal_token}) {}
  pg::Pool& db;
  PasswordHasher& hasher;
  const auth::Jwt& jwt;
  http::Client driver_service;
};

// The rider fields plus what a driver profile needs. The profile fields are
// only checked for presence here; driver-service validates them and its 400
// (naming the field) is passed on.
struct DriverSignup {
  RegisterRequest account;
  boost::json::object profile;  // licenseNumber, avatarUrl?, vehicle — as sent

  static DriverSignup from_body(std::string_view body) {
    const auto object = json::parse_object(body);
    const json::Fields f(object);
    DriverSignup s{.account = RegisterRequest::from_json(f), .profile = {}};
    if (!s.account.phone) throw HttpError::validation("phone", "phone is required for drivers");
    s.profile["licenseNumber"] = f.required_string("licenseNumber", {.min_length = 1, .max_length = 50});
    if (auto url = f.optional_string("avatarUrl", {.min_length = 1, .max_length = 2048})) s.profile["avatarUrl"] = *url;
    f.required_object("vehicle");
    s.profile["vehicle"] = object.at("vehicle");
    return s;
  }
};

// What driver-service answered, as the client should see it.
void check_profile_created(const http::ClientResponse& r) {
  if (r.status == 200 || r.status == 201) return;
  if (r.status == 400 || r.status == 409) {
    std::string code = r.status == 400 ? "validation_failed" : "conflict";
    std::string message = "the driver profile was refused";
    std::optional<std::string> field;
    try {
      const auto body = boost::json::parse(r.body).as_object();
      if (const auto* c = body.if_contains("code"); c && c->is_string()) code = std::string(c->as_string());
      if (const auto* m = body.if_contains("error"); m && m->is_string()) message = std::string(m->as_string());
      if (const auto* x = body.if_contains("field"); x && x->is_string()) field = std::string(x->as_string());
    } catch (const std::exception&) {
      // Not our error shape: keep the generic message.
    }
    throw HttpError(r.status, std::move(code), std::move(message), std::move(field));
  }
  log::error("driver-service refused a driver profile", {{"status", r.status}});
  throw UnavailableError("driver-service answered " + std::to_string(r.status));
}

// Best effort: removes a profile whose account did not commit.
awaitable<void> compensate(Registration& reg, const std::string& user_id, const std::string& request_id) {
  std::string method = "DELETE";
  std::string target = "/internal/drivers/" + user_id;
  int status = 0;
  std::string problem;
  try {
    const auto r = co_await reg.driver_service.request(std::move(method), std::move(target), {}, request_id);
    status = r.status;
  } catch (const std::exception& e) {
    problem = e.what();
  }
  if (status == 204) {
    log::warn("driver registration rolled back; profile removed", {{"userId", user_id}, {"request_id", request_id}});
  } else {
    log::error("driver profile may be orphaned: remove it with DELETE /internal/drivers/{id}",
               {{"userId", user_id}, {"status", status}, {"error", problem}, {"request_id", request_id}});
  }
}

awaitable<Response> register_driver(Registration& reg, Request& request) {
  const auto signup = DriverSignup::from_body(request.body);
  std::string password_hash = co_await reg.hasher.hash(signup.account.password);
  const NewUser user{.name = signup.account.name,
                     .email = signup.account.email,
                     .phone = signup.account.phone,
                     .password_hash = std::move(password_hash),
                     .role = "driver"};
  struct Created {
    User user;
    std::string refresh_token;
  };
  std::string user_id;
  bool profile_may_exist = false;
  auto body = [&](pg::Tx& tx) -> awaitable<Created> {
    auto created = co_await Accounts::create(tx, user);
    user_id = created.id;
    boost::json::object profile = signup.profile;
    profile["id"] = created.id;
    profile["fullName"] = created.name;
    profile["phone"] = *signup.account.phone;
    std::string method = "POST";
    std::string target = "/internal/drivers";
    std::string payload = boost::json::serialize(profile);
    profile_may_exist = true;  // from here on, a failure may leave a profile behind
    const auto answer = co_await reg.driver_service.request(std::move(method), std::move(target), std::move(payload),
                                                            request.request_id);
    if (answer.status != 200 && answer.status != 201) profile_may_exist = answer.status >= 500;
    check_profile_created(answer);
    auto token = co_await Accounts::add_refresh_token(tx, created.id, "");
    co_return Created{std::move(created), std::move(token)};
  };
  std::optional<Created> created;
  std::exception_ptr failure;
  try {
    created.emplace(co_await reg.db.transaction(body));
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    if (profile_may_exist) co_await compensate(reg, user_id, request.request_id);
    std::rethrow_exception(failure);
  }
  log::info("driver registered", {{"user_id", created->user.id}, {"request_id", request.request_id}});
  co_return Response::json(201, session_body(created->user, created->refresh_token, reg.jwt));
}

}  // namespace

config::Spec driver_registration_spec() {
  config::Spec s;
  s.string("DRIVER_SERVICE_URL", "http://127.0.0.1:8083", "driver-service base URL, for POST /v1/drivers/register")
      .integer("DRIVER_SERVICE_TIMEOUT_MS", 3000, 10, 60000,
               "deadline of one call to driver-service (the registration transaction stays open meanwhile)");
  return s;
}

void add_driver_registration_route(service::Runtime& runtime, pg::Pool& db, PasswordHasher& hasher,
                                   const auth::Jwt& jwt, const std::string& internal_token) {
  auto reg = std::make_shared<Registration>(runtime, db, hasher, jwt, internal_token);
  runtime.router().add("POST", "/v1/drivers/register",
                       [reg](Request& request) { return register_driver(*reg, request); });
}

}  // namespace uitgo::user
