// The apps' web builds: the browser's CORS preflight and headers, answered by
// the gateway for every service (and for nginx's own errors), and the trip
// WebSocket with the token in ?accessToken= (browsers cannot set headers on a
// WebSocket). Allowed origins here: any port on localhost, and one https site.
#include <gtest/gtest.h>

#include <memory>

#include "apps/app_client.hpp"
#include "live/ws_client.hpp"
#include "support/ids.hpp"
#include "support/shared_environment.hpp"
#include "support/test_stack.hpp"

namespace uitgo::test::apps {
namespace {

struct Stack {
  TestStack stack{StackOptions{.postgres = true,
                               .redis = true,
                               .services = true,
                               .nginx = true,
                               .env = {{"CORS_ALLOWED_ORIGINS", "http://localhost:*, https://app.uitgo.example"}}}};
  Api gateway{stack, stack.gateway_port};
};

Stack* env = nullptr;
const auto* const environment = share_per_binary(env, [] { return std::make_unique<Stack>(); });

const std::string kFlutterDev = "http://localhost:53412";  // flutter run -d chrome picks a random port

HttpResponse preflight(const std::string& path, const std::string& origin, const std::string& method = "POST") {
  return http_request(env->stack.gateway_port, "OPTIONS", path, "",
                      {{"Origin", origin},
                       {"Access-Control-Request-Method", method},
                       {"Access-Control-Request-Headers", "authorization,content-type"}});
}

TEST(WebBuilds, PreflightsFromAllowedOriginsAre204WithWhatTheAppsSend) {
  for (const std::string path :
       {"/auth/login", "/auth/refresh", "/v1/trips", "/v1/trips/x/status", "/v1/drivers/me", "/v1/drivers/register",
        "/promotions", "/news?limit=5", "/routes", "/users/me", "/admin/users/x"}) {
    for (const std::string& origin :
         {kFlutterDev, std::string("http://localhost"), std::string("https://app.uitgo.example")}) {
      const auto r = preflight(path, origin, "PATCH");
      EXPECT_EQ(r.status, 204) << path << " from " << origin;
      EXPECT_EQ(r.header("access-control-allow-origin"), origin) << path;
      const auto methods = r.header("access-control-allow-methods");
      for (const char* m : {"GET", "POST", "PUT", "PATCH", "DELETE"})
        EXPECT_NE(methods.find(m), std::string::npos) << m;
      EXPECT_EQ(r.header("access-control-allow-headers"), "Authorization, Content-Type, Idempotency-Key, X-Request-Id");
      EXPECT_EQ(r.header("vary"), "Origin");
      EXPECT_FALSE(r.header("access-control-max-age").empty());
      EXPECT_TRUE(r.body.empty());
    }
  }
}

TEST(WebBuilds, OtherOriginsGetNoCorsHeaders) {
  for (const std::string origin : {"http://evil.example", "https://app.uitgo.example.evil.com",
                                   "http://localhost.evil.com", "http://app.uitgo.example", "null"}) {
    const auto r = preflight("/v1/trips", origin);
    EXPECT_NE(r.status, 204) << origin << ": not answered as a preflight";
    EXPECT_EQ(r.header("access-control-allow-origin"), "") << origin;
    EXPECT_EQ(r.header("access-control-allow-methods"), "") << origin;
    const auto get = http_request(env->stack.gateway_port, "GET", "/promotions", "", {{"Origin", origin}});
    EXPECT_EQ(get.status, 200);
    EXPECT_EQ(get.header("access-control-allow-origin"), "") << origin;
    EXPECT_EQ(get.header("vary"), "Origin") << "the answer still depends on Origin";
  }
}

TEST(WebBuilds, AnswersCarryTheOriginForAllowedOriginsOnly) {
  const auto r = http_request(env->stack.gateway_port, "GET", "/promotions", "", {{"Origin", kFlutterDev}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("access-control-allow-origin"), kFlutterDev);
  EXPECT_EQ(r.header("vary"), "Origin");
  EXPECT_NE(r.header("access-control-expose-headers").find("X-Request-Id"), std::string::npos);
  EXPECT_EQ(r.header("access-control-allow-methods"), "") << "only on preflights";
  const auto plain = http_request(env->stack.gateway_port, "GET", "/promotions");
  EXPECT_EQ(plain.header("access-control-allow-origin"), "");
  EXPECT_EQ(plain.header("vary"), "");
  // A signed-in call, and the errors the services and nginx produce themselves.
  const auto token = env->gateway.token("rider");
  const auto list = http_request(env->stack.gateway_port, "GET", "/v1/trips?role=rider&limit=20&offset=0", "",
                                 {{"Origin", kFlutterDev}, {"Authorization", "Bearer " + token}});
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.header("access-control-allow-origin"), kFlutterDev);
  for (const std::string path : {"/no-such-prefix", "/internal/trips", "/v1/trips/x/y/z"}) {
    const auto error = http_request(env->stack.gateway_port, "GET", path, "", {{"Origin", kFlutterDev}});
    EXPECT_EQ(error.status, 404) << path;
    EXPECT_EQ(error.header("access-control-allow-origin"), kFlutterDev) << path << ": the app can read the error";
    EXPECT_FALSE(error.header("x-request-id").empty());
  }
}

TEST(WebBuilds, TheGatewaysOwn429IsReadable) {
  // A gateway alone whose per-IP /auth/* limit is one request a minute: the
  // second login is refused by nginx itself, however slow the machine is.
  TestStack bare(StackOptions{
      .postgres = false,
      .redis = false,
      .services = false,
      .nginx = true,
      .env = {{"CORS_ALLOWED_ORIGINS", kFlutterDev}, {"UITGO_AUTH_RATE", "1r/m"}, {"UITGO_AUTH_BURST", "1"}}});
  HttpResponse limited;
  for (int i = 0; i < 5 && limited.status != 429; ++i) {
    limited = http_request(bare.gateway_port, "POST", "/auth/login", R"({"email":"x@y.z","password":"p"})",
                           {{"Origin", kFlutterDev}});
  }
  ASSERT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("access-control-allow-origin"), kFlutterDev);
  EXPECT_EQ(limited.header("retry-after"), "1");
}

TEST(WebBuilds, TheTripSocketTakesTheTokenFromAccessToken) {
  const auto rider = env->gateway.user("rider");
  const auto created =
      env->gateway.call("POST", "/v1/trips", rider, R"({"originText":"A","destText":"B","serviceId":"UIT-Go"})");
  const auto trip_id = str(body_of(created), "id");
  // The rider app's web build: ?role=rider&userId=..&accessToken=.., no header.
  live::WsClient web(env->stack.gateway_port,
                     "/v1/trips/" + trip_id + "/ws?role=rider&userId=" + rider.id + "&accessToken=" + rider.token);
  ASSERT_TRUE(web.upgraded()) << web.handshake().status << " " << web.handshake().body;
  const auto status = web.next_of_type("status");
  ASSERT_TRUE(status);
  EXPECT_EQ(str(*status, "status"), "requested");
  live::WsClient forged(env->stack.gateway_port,
                        "/v1/trips/" + trip_id + "/ws?role=rider&userId=" + rider.id + "&accessToken=forged");
  EXPECT_EQ(forged.handshake().status, 401);
  // Never on REST: a token in a URL ends up in logs.
  const auto rest =
      http_request(env->stack.gateway_port, "GET", "/v1/trips/" + trip_id + "?accessToken=" + rider.token);
  EXPECT_EQ(rest.status, 401);
}

TEST(WebBuilds, NoCorsAtAllWhenNoOriginIsAllowed) {
  // A gateway alone (no services behind it) with CORS_ALLOWED_ORIGINS empty.
  TestStack bare(StackOptions{
      .postgres = false, .redis = false, .services = false, .nginx = true, .env = {{"CORS_ALLOWED_ORIGINS", ""}}});
  const auto r = http_request(bare.gateway_port, "OPTIONS", "/v1/trips", "",
                              {{"Origin", kFlutterDev}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_NE(r.status, 204) << "the preflight is not answered by the gateway";
  EXPECT_EQ(r.header("access-control-allow-origin"), "");
  const auto health = http_request(bare.gateway_port, "GET", "/health", "", {{"Origin", kFlutterDev}});
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.header("access-control-allow-origin"), "");
}

}  // namespace
}  // namespace uitgo::test::apps
