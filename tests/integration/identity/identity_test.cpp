// Accounts and tokens through the gateway on real Postgres, Redis and nginx.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <memory>
#include <thread>

#include "core/auth/jwt.hpp"
#include "support/http_client.hpp"
#include "support/shared_environment.hpp"
#include "support/test_stack.hpp"

using uitgo::test::Headers;
using uitgo::test::http_request;
using uitgo::test::HttpResponse;
namespace json = boost::json;

namespace {

uitgo::test::TestStack* stack = nullptr;

const auto* const environment = uitgo::test::share_per_binary(stack, [] {
  // A generous auth rate: the rate limit has its own stack below.
  return std::make_unique<uitgo::test::TestStack>(uitgo::test::StackOptions{
      .postgres = true, .redis = true, .services = true, .nginx = true, .env = {{"UITGO_AUTH_RATE", "1000r/s"}}});
});

HttpResponse call(const std::string& method, const std::string& path, const json::value& body = nullptr,
                  const std::string& token = {}) {
  Headers headers;
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  return http_request(stack->gateway_port, method, path, body.is_null() ? "" : json::serialize(body), headers);
}

json::object body_of(const HttpResponse& r) { return json::parse(r.body).as_object(); }
std::string str(const json::object& o, const char* key) { return std::string(o.at(key).as_string()); }

std::string unique_email(const std::string& tag) {
  static std::atomic<int> counter{0};
  return tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + "@example.com";
}

json::object register_user(const std::string& email, const std::string& password = "correct horse") {
  const auto r =
      call("POST", "/auth/register", json::object{{"name", "Test User"}, {"email", email}, {"password", password}});
  EXPECT_EQ(r.status, 201) << r.body;
  return body_of(r);
}

long long count_rows(const std::string& sql) {
  PGconn* conn = PQconnectdb(stack->dsn("user_db").c_str());
  PGresult* res = PQexec(conn, sql.c_str());
  const long long n = PQresultStatus(res) == PGRES_TUPLES_OK ? std::atoll(PQgetvalue(res, 0, 0)) : -1;
  PQclear(res);
  PQfinish(conn);
  return n;
}

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

}  // namespace

TEST(Identity, RegisterLoginMeRefreshAndReuseDetection) {
  const auto email = unique_email("Flow");
  const auto registered = register_user("  " + email + "  ");
  std::string normalized = email;  // stored trimmed and lower-cased
  for (auto& c : normalized) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(str(registered, "email"), normalized);
  EXPECT_EQ(str(registered, "role"), "rider");
  EXPECT_EQ(registered.at("expiresIn").as_int64(), 900);

  const auto login = call("POST", "/auth/login", json::object{{"email", email}, {"password", "correct horse"}});
  ASSERT_EQ(login.status, 200) << login.body;
  const auto session = body_of(login);

  const auto me = call("GET", "/auth/me", nullptr, str(session, "accessToken"));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(body_of(me), "id"), str(registered, "id"));
  EXPECT_FALSE(body_of(me).at("disabled").as_bool());

  const auto first = str(session, "refreshToken");
  const auto rotated = call("POST", "/auth/refresh", json::object{{"refreshToken", first}});
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const auto second = str(body_of(rotated), "refreshToken");
  EXPECT_NE(first, second);

  // The old token is single-use: presenting it again is reuse, which revokes
  // the whole family, including the token the rotation just handed out.
  EXPECT_EQ(call("POST", "/auth/refresh", json::object{{"refreshToken", first}}).status, 401);
  EXPECT_EQ(call("POST", "/auth/refresh", json::object{{"refreshToken", second}}).status, 401);

  // Other sessions (other families) are unaffected.
  EXPECT_EQ(call("POST", "/auth/refresh", json::object{{"refreshToken", str(registered, "refreshToken")}}).status, 200);
}

TEST(Identity, WrongCredentialsGetOneMessage) {
  const auto email = unique_email("creds");
  register_user(email);
  const auto wrong_password = call("POST", "/auth/login", json::object{{"email", email}, {"password", "nope-nope"}});
  const auto unknown = call("POST", "/auth/login", json::object{{"email", unique_email("ghost")}, {"password", "x"}});
  EXPECT_EQ(wrong_password.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong_password.body, unknown.body);
}

TEST(Identity, LogoutRevokesTheRefreshToken) {
  const auto session = register_user(unique_email("logout"));
  const auto token = str(session, "refreshToken");
  EXPECT_EQ(call("POST", "/auth/logout", json::object{{"refreshToken", token}}, str(session, "accessToken")).status,
            204);
  EXPECT_EQ(call("POST", "/auth/refresh", json::object{{"refreshToken", token}}).status, 401);
  EXPECT_EQ(call("POST", "/auth/logout", json::object{{"refreshToken", token}}).status, 401) << "logout needs a user";
}

TEST(Identity, ProfileUpdate) {
  const auto session = register_user(unique_email("profile"));
  const auto token = str(session, "accessToken");
  const auto r =
      call("PATCH", "/users/me", json::object{{"name", "Nguyễn Văn A"}, {"phone", "+84 90 123 4567"}}, token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(body_of(r), "name"), "Nguyễn Văn A");
  EXPECT_EQ(str(body_of(r), "phone"), "+84 90 123 4567");
  const auto bad = call("PATCH", "/users/me", json::object{{"phone", "call me maybe"}}, token);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(str(body_of(bad), "field"), "phone");
}

TEST(Identity, ConcurrentDuplicateRegistrationCreatesOneAccount) {
  const auto email = unique_email("race");
  std::atomic<int> created{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      const auto r = call("POST", "/auth/register",
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
    const auto r = http_request(stack->gateway_port, "POST", "/auth/register", c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " -> " << r.body;
    const auto b = body_of(r);
    EXPECT_EQ(str(b, "code"), c.code) << c.body;
    if (!c.field.empty()) {
      EXPECT_EQ(str(b, "field"), c.field) << c.body;
    }
  }
  EXPECT_EQ(count_rows("SELECT count(*) FROM users"), before);
  const auto login = http_request(stack->gateway_port, "POST", "/auth/login", R"({"email":"a@b.co"})");
  EXPECT_EQ(login.status, 400);
  EXPECT_EQ(str(body_of(login), "field"), "password");
}

TEST(Identity, ForgedAndExpiredTokensAreRejected) {
  const auto session = register_user(unique_email("tokens"));
  const auto id = str(session, "id");
  const auto now = static_cast<long long>(std::time(nullptr));
  const uitgo::auth::Jwt real(stack->jwt_secret());
  const uitgo::auth::Jwt other(std::string(64, 'z'));
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
      const auto r = call("GET", path, nullptr, token);
      EXPECT_EQ(r.status, 401) << path << " " << token;
      EXPECT_EQ(str(body_of(r), "code"), "unauthorized") << path;
    }
    EXPECT_EQ(call("GET", path, nullptr, good).status, 200) << path;
    EXPECT_EQ(call("GET", path).status, 401) << path;
  }
  const auto driver_only = call("GET", "/v1/drivers/me", nullptr, good);
  EXPECT_EQ(driver_only.status, 403) << "a rider's valid token on a driver route";
}

TEST(Identity, AdminRoutesNeedTheAdminRole) {
  const auto rider = register_user(unique_email("notadmin"));
  const auto path = "/admin/users/" + str(rider, "id");
  EXPECT_EQ(call("PATCH", path, json::object{{"disabled", true}}, str(rider, "accessToken")).status, 403);
  EXPECT_EQ(call("PATCH", path, json::object{{"disabled", true}}).status, 401);
}

TEST(Identity, DisabledUsersCannotLogInOrRefresh) {
  const auto email = unique_email("disabled");
  const auto rider = register_user(email);
  const uitgo::auth::Jwt jwt(stack->jwt_secret());
  const auto admin = jwt.issue("00000000-0000-0000-0000-000000000001", "admin");
  const auto path = "/admin/users/" + str(rider, "id");
  const auto r = call("PATCH", path, json::object{{"disabled", true}}, admin);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(body_of(r).at("disabled").as_bool());
  EXPECT_EQ(call("POST", "/auth/login", json::object{{"email", email}, {"password", "correct horse"}}).status, 403);
  EXPECT_EQ(call("POST", "/auth/refresh", json::object{{"refreshToken", str(rider, "refreshToken")}}).status, 401);
  EXPECT_EQ(call("PATCH", "/admin/users/not-a-uuid", json::object{{"disabled", true}}, admin).status, 404);
  EXPECT_EQ(call("PATCH", "/admin/users/00000000-0000-0000-0000-00000000abcd", json::object{{"disabled", true}}, admin)
                .status,
            404);
}

TEST(Identity, AuthRoutesAreRateLimitedPerClientAtTheGateway) {
  uitgo::test::TestStack limited(
      {.postgres = true,
       .redis = true,
       .services = true,
       .nginx = true,
       .env = {{"UITGO_AUTH_RATE", "1r/m"}, {"UITGO_AUTH_BURST", "2"}}});  // no refill during the loop
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
