// Accounts and tokens through the gateway on real Postgres, Redis and nginx.
#include <gtest/gtest.h>

#include <atomic>
#include <ctime>
#include <memory>
#include <thread>

#include "support/api.hpp"
#include "support/ids.hpp"
#include "support/json.hpp"
#include "support/metrics.hpp"
#include "support/shared_environment.hpp"

namespace uitgo::test {
namespace {

struct Fixture {
  // A generous auth rate: the rate limit has its own stack below.
  TestStack stack{StackOptions{
      .postgres = true, .redis = true, .services = true, .nginx = true, .env = {{"UITGO_AUTH_RATE", "1000r/s"}}}};
  Api gateway{stack, stack.gateway_port};
};

Fixture* fx = nullptr;
const auto* const environment = share_per_binary(fx, [] { return std::make_unique<Fixture>(); });

std::string unique_email(const std::string& tag) { return tag + "-" + unique_suffix() + "@example.com"; }

json::object register_user(const std::string& email, const std::string& password = "correct horse") {
  const auto r = fx->gateway.call("POST", "/auth/register", {},
                                  json::object{{"name", "Test User"}, {"email", email}, {"password", password}});
  EXPECT_EQ(r.status, 201) << r.body;
  return body_of(r);
}

long long count_rows(const std::string& sql) { return std::atoll(fx->gateway.scalar("user_db", sql).c_str()); }

std::string base64url(const std::string& in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  int value = 0, bits = -6;
  for (unsigned char c : in) {
    value = (value << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(kAlphabet[(value >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(kAlphabet[((value << 8) >> (bits + 8)) & 0x3F]);
  return out;
}

std::string payload_for(const std::string& sub, const std::string& role, long long exp) {
  const long long now = std::time(nullptr);
  return json::serialize(json::object{{"sub", sub}, {"role", role}, {"iat", now}, {"exp", exp}, {"jti", "t"}});
}

TEST(Identity, RegisterLoginMeRefreshAndReuseDetection) {
  const auto email = unique_email("Flow");
  const auto registered = register_user("  " + email + "  ");
  std::string normalized = email;  // stored trimmed and lower-cased
  for (auto& c : normalized) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(str(registered, "email"), normalized);
  EXPECT_EQ(str(registered, "role"), "rider");
  EXPECT_EQ(registered.at("expiresIn").as_int64(), 900);

  const auto login =
      fx->gateway.call("POST", "/auth/login", {}, json::object{{"email", email}, {"password", "correct horse"}});
  ASSERT_EQ(login.status, 200) << login.body;
  const auto session = body_of(login);

  const auto me = fx->gateway.call("GET", "/auth/me", str(session, "accessToken"));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(body_of(me), "id"), str(registered, "id"));
  EXPECT_FALSE(body_of(me).at("disabled").as_bool());

  const auto first = str(session, "refreshToken");
  const auto rotated = fx->gateway.call("POST", "/auth/refresh", {}, json::object{{"refreshToken", first}});
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const auto second = str(body_of(rotated), "refreshToken");
  EXPECT_NE(first, second);

  // The old token is single-use: presenting it again is reuse, which revokes
  // the whole family, including the token the rotation just handed out.
  EXPECT_EQ(fx->gateway.call("POST", "/auth/refresh", {}, json::object{{"refreshToken", first}}).status, 401);
  EXPECT_EQ(fx->gateway.call("POST", "/auth/refresh", {}, json::object{{"refreshToken", second}}).status, 401);

  // Other sessions (other families) are unaffected.
  EXPECT_EQ(
      fx->gateway.call("POST", "/auth/refresh", {}, json::object{{"refreshToken", str(registered, "refreshToken")}})
          .status,
      200);
}

TEST(Identity, WrongCredentialsGetOneMessage) {
  const auto email = unique_email("creds");
  register_user(email);
  const auto wrong_password =
      fx->gateway.call("POST", "/auth/login", {}, json::object{{"email", email}, {"password", "nope-nope"}});
  const auto unknown =
      fx->gateway.call("POST", "/auth/login", {}, json::object{{"email", unique_email("ghost")}, {"password", "x"}});
  EXPECT_EQ(wrong_password.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong_password.body, unknown.body);
}

TEST(Identity, LogoutRevokesTheRefreshToken) {
  const auto session = register_user(unique_email("logout"));
  const auto token = str(session, "refreshToken");
  EXPECT_EQ(fx->gateway.call("POST", "/auth/logout", str(session, "accessToken"), json::object{{"refreshToken", token}})
                .status,
            204);
  EXPECT_EQ(fx->gateway.call("POST", "/auth/refresh", {}, json::object{{"refreshToken", token}}).status, 401);
  EXPECT_EQ(fx->gateway.call("POST", "/auth/logout", {}, json::object{{"refreshToken", token}}).status, 401)
      << "logout needs a user";
}

TEST(Identity, ProfileUpdate) {
  const auto session = register_user(unique_email("profile"));
  const auto token = str(session, "accessToken");
  const auto r = fx->gateway.call("PATCH", "/users/me", token,
                                  json::object{{"name", "Nguyễn Văn A"}, {"phone", "+84 90 123 4567"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(body_of(r), "name"), "Nguyễn Văn A");
  EXPECT_EQ(str(body_of(r), "phone"), "+84 90 123 4567");
  const auto bad = fx->gateway.call("PATCH", "/users/me", token, json::object{{"phone", "call me maybe"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(str(body_of(bad), "field"), "phone");
}

TEST(Identity, ControlCharactersAre400AndWriteNothing) {
  const auto session = register_user(unique_email("controls"));
  const auto token = str(session, "accessToken");
  const auto id = str(session, "id");
  // A NUL passed "must not be blank" and was stored as "" before.
  for (const std::string body : {R"({"name":"\u0000x"})", R"({"name":"x\u0007"})", R"({"name":"two\nlines"})",
                                 R"({"name":"Ok","phone":"\u0000123456"})"}) {
    const auto r = fx->gateway.call("PATCH", "/users/me", token, body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    EXPECT_EQ(str(body_of(r), "code"), "validation_failed") << body;
    EXPECT_EQ(str(body_of(r), "field"), body.find("phone") != std::string::npos ? "phone" : "name") << body;
  }
  EXPECT_EQ(fx->gateway.scalar("user_db", "SELECT name FROM users WHERE id = '" + id + "'"), "Test User");
  EXPECT_EQ(fx->gateway.scalar("user_db", "SELECT count(*) FROM users WHERE id = '" + id + "' AND phone IS NOT NULL"),
            "0");
}

TEST(Identity, ConcurrentDuplicateRegistrationCreatesOneAccount) {
  const auto email = unique_email("race");
  std::atomic<int> created{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      const auto r = fx->gateway.call("POST", "/auth/register", {},
                                      json::object{{"name", "Racer"}, {"email", email}, {"password", "correct horse"}});
      (r.status == 201 ? created : r.status == 409 ? conflicts : other)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(conflicts.load(), 7);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(count_rows("SELECT count(*) FROM users WHERE email = '" + email + "'"), 1);
}

TEST(Identity, BadInputNamesTheFieldAndWritesNothing) {
  const auto before = count_rows("SELECT count(*) FROM users");
  struct Case {
    std::string body;
    int status;
    std::string code;
    std::string field;
  };
  const std::string long_name(101, 'a');
  const Case cases[] = {
      {"{not json", 400, "invalid_json", ""},
      {"[1,2]", 400, "invalid_json", ""},
      {R"({"email":"a@b.co","password":"12345678"})", 400, "validation_failed", "name"},
      {R"({"name":"A","password":"12345678"})", 400, "validation_failed", "email"},
      {R"({"name":"A","email":"not-an-email","password":"12345678"})", 400, "validation_failed", "email"},
      {R"({"name":"A","email":"a@b.co","password":"short"})", 400, "validation_failed", "password"},
      {R"({"name":42,"email":"a@b.co","password":"12345678"})", 400, "validation_failed", "name"},
      {R"({"name":"A","email":"a@b.co","password":12345678})", 400, "validation_failed", "password"},
      {R"({"name":")" + long_name + R"(","email":"a@b.co","password":"12345678"})", 400, "validation_failed", "name"},
  };
  for (const auto& c : cases) {
    const auto r = fx->gateway.call("POST", "/auth/register", {}, c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " -> " << r.body;
    const auto b = body_of(r);
    EXPECT_EQ(str(b, "code"), c.code) << c.body;
    if (!c.field.empty()) {
      EXPECT_EQ(str(b, "field"), c.field) << c.body;
    }
  }
  EXPECT_EQ(count_rows("SELECT count(*) FROM users"), before);
  const auto login = fx->gateway.call("POST", "/auth/login", {}, R"({"email":"a@b.co"})");
  EXPECT_EQ(login.status, 400);
  EXPECT_EQ(str(body_of(login), "field"), "password");
}

TEST(Identity, ForgedAndExpiredTokensAreRejected) {
  const auto session = register_user(unique_email("tokens"));
  const auto id = str(session, "id");
  const auto now = static_cast<long long>(std::time(nullptr));
  const auth::Jwt real(fx->stack.jwt_secret());
  const auth::Jwt other(std::string(64, 'z'));
  const auto good = real.issue(id, "rider");
  const auto payload = base64url(payload_for(id, "admin", now + 600));
  const std::string forged[] = {
      base64url(R"({"alg":"none","typ":"JWT"})") + "." + payload + ".",
      base64url(R"({"alg":"RS256","typ":"JWT"})") + "." + payload + "." + good.substr(good.rfind('.') + 1),
      good.substr(0, good.find('.') + 1) + payload + good.substr(good.rfind('.')),              // tampered payload
      other.issue(id, "rider"),                                                                 // wrong key
      real.sign({.sub = id, .role = "rider", .jti = "x", .iat = now - 3600, .exp = now - 60}),  // expired
      "garbage",
  };
  // One protected route of each service: they all share the core verifier.
  for (const std::string path : {"/auth/me", "/v1/trips", "/v1/drivers/search?lat=10.77&lng=106.7"}) {
    for (const auto& token : forged) {
      const auto r = fx->gateway.call("GET", path, token);
      EXPECT_EQ(r.status, 401) << path << " " << token;
      EXPECT_EQ(str(body_of(r), "code"), "unauthorized") << path;
    }
    EXPECT_EQ(fx->gateway.call("GET", path, good).status, 200) << path;
    EXPECT_EQ(fx->gateway.call("GET", path).status, 401) << path;
  }
  const auto driver_only = fx->gateway.call("GET", "/v1/drivers/me", good);
  EXPECT_EQ(driver_only.status, 403) << "a rider's valid token on a driver route";
}

TEST(Identity, AdminRoutesNeedTheAdminRole) {
  const auto rider = register_user(unique_email("notadmin"));
  const auto path = "/admin/users/" + str(rider, "id");
  EXPECT_EQ(fx->gateway.call("PATCH", path, str(rider, "accessToken"), json::object{{"disabled", true}}).status, 403);
  EXPECT_EQ(fx->gateway.call("PATCH", path, {}, json::object{{"disabled", true}}).status, 401);
}

TEST(Identity, DisabledUsersCannotLogInOrRefresh) {
  const auto email = unique_email("disabled");
  const auto rider = register_user(email);
  const auto admin = fx->gateway.token("admin");
  const auto path = "/admin/users/" + str(rider, "id");
  const auto r = fx->gateway.call("PATCH", path, admin, json::object{{"disabled", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(body_of(r).at("disabled").as_bool());
  // The right password of a disabled account fails exactly like a wrong one.
  const auto disabled_login =
      fx->gateway.call("POST", "/auth/login", {}, json::object{{"email", email}, {"password", "correct horse"}});
  const auto wrong_password =
      fx->gateway.call("POST", "/auth/login", {}, json::object{{"email", email}, {"password", "wrong horse"}});
  EXPECT_EQ(disabled_login.status, 401);
  EXPECT_EQ(wrong_password.status, 401);
  EXPECT_EQ(disabled_login.body, wrong_password.body);
  EXPECT_EQ(
      fx->gateway.call("POST", "/auth/refresh", {}, json::object{{"refreshToken", str(rider, "refreshToken")}}).status,
      401);
  EXPECT_EQ(fx->gateway.call("PATCH", "/admin/users/not-a-uuid", admin, json::object{{"disabled", true}}).status, 404);
  EXPECT_EQ(
      fx->gateway
          .call("PATCH", "/admin/users/00000000-0000-0000-0000-00000000abcd", admin, json::object{{"disabled", true}})
          .status,
      404);
}

HttpResponse login(const std::string& email, const std::string& password) {
  return fx->gateway.call("POST", "/auth/login", {}, json::object{{"email", email}, {"password", password}});
}

long long retry_after(const HttpResponse& r) { return std::atoll(r.header("retry-after").c_str()); }

TEST(Identity, FailedLoginsBackOffPerAccount) {
  // LOGIN_FAILURES_BEFORE_BACKOFF=5, base 1 s (the defaults).
  const auto email = unique_email("backoff");
  register_user(email);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(login(email, "wrong horse").status, 401) << i;
  // Refused before the password is looked at, even the right one.
  const auto refused = login(email, "correct horse");
  ASSERT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(str(body_of(refused), "code"), "rate_limited");
  EXPECT_EQ(retry_after(refused), 1);
  // Other accounts (and unknown emails) are not affected.
  const auto other = unique_email("bystander");
  register_user(other);
  EXPECT_EQ(login(other, "correct horse").status, 200);

  // The next failure after the wait doubles the back-off.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(login(email, "wrong horse").status, 401);
  const auto again = login(email, "correct horse");
  ASSERT_EQ(again.status, 429) << again.body;
  EXPECT_EQ(retry_after(again), 2);

  // A success after the wait resets the count: one failure is a plain 401.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(login(email, "correct horse").status, 200);
  EXPECT_EQ(login(email, "wrong horse").status, 401);
  EXPECT_EQ(login(email, "correct horse").status, 200);

  // Unknown emails back off the same way (nothing tells them apart), and the
  // email is normalized: case and spaces name the same account.
  const auto ghost = unique_email("ghost");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(login(ghost, "x").status, 401);
  std::string shouted = "  " + ghost + " ";
  for (auto& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(login(shouted, "x").status, 429);
}

TEST(Identity, LoginBackOffFailsOpenWithoutRedis) {
  const auto email = unique_email("noredis");
  register_user(email);
  fx->stack.stop("redis");
  for (int i = 0; i < 7; ++i) EXPECT_EQ(login(email, "wrong horse").status, 401) << i;
  EXPECT_EQ(login(email, "correct horse").status, 200) << "no back-off without Redis, logins still work";
  fx->stack.start("redis");
}

// The deny list lives in Redis: without it the access tokens cannot be
// denied (counted, logged; they end at their expiry), but the refresh tokens
// are revoked and the request still succeeds.
TEST(Identity, SignOutEverywhereWithoutRedisStillEndsTheSessions) {
  const auto session = register_user(unique_email("noredis-logout"));
  const double before = metric(fx->stack.user_port, "auth_deny_failures_total", {}, 0);
  fx->stack.stop("redis");
  const auto r = fx->gateway.call("POST", "/auth/logout-all", str(session, "accessToken"), json::object{});
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(metric(fx->stack.user_port, "auth_deny_failures_total", {}, 0), before + 1);
  const json::object refresh{{"refreshToken", str(session, "refreshToken")}};
  EXPECT_EQ(fx->gateway.call("POST", "/auth/refresh", {}, refresh).status, 401);
  fx->stack.start("redis");
}

TEST(Identity, AuthRoutesAreRateLimitedPerClientAtTheGateway) {
  // 1r/m: no refill while the loop runs, however slow the machine is.
  TestStack limited({.postgres = true,
                     .redis = true,
                     .services = true,
                     .nginx = true,
                     .env = {{"UITGO_AUTH_RATE", "1r/m"}, {"UITGO_AUTH_BURST", "2"}}});
  int limited_count = 0;
  for (int i = 0; i < 10; ++i) {
    const auto r = http_request(limited.gateway_port, "POST", "/auth/login", R"({"email":"x@y.zz","password":"p"})",
                                {{"X-Forwarded-For", "10.0.0." + std::to_string(i)}});
    if (r.status == 429) {
      ++limited_count;
      EXPECT_EQ(str(body_of(r), "code"), "rate_limited");
      EXPECT_FALSE(r.header("retry-after").empty());
    }
  }
  EXPECT_GE(limited_count, 5);
  EXPECT_EQ(http_request(limited.gateway_port, "GET", "/user-service/health").status, 200) << "only /auth/* is limited";
}

}  // namespace
}  // namespace uitgo::test
