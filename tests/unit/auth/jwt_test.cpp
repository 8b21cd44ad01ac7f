#include "core/auth/jwt.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <atomic>
#include <chrono>
#include <map>
#include <thread>
#include <vector>

#include "core/base/errors.hpp"

using namespace uitgo;
using auth::Claims;
using auth::InvalidToken;
using auth::Jwt;

namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// HMAC-SHA256 by OpenSSL's reference one-shot, independent of the code under test.
std::string reference_hmac(std::string_view key, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

// A token with exactly this header and payload JSON, correctly signed with
// `secret`: whatever is rejected is rejected for its content, not its MAC.
std::string forge(std::string_view header_json, std::string_view payload_json, std::string_view secret = kSecret) {
  const std::string signing_input = auth::base64url_encode(header_json) + "." + auth::base64url_encode(payload_json);
  return signing_input + "." + auth::base64url_encode(reference_hmac(secret, signing_input));
}

// The issuer and audience every Jwt built with the default TokenProfile wants.
constexpr std::string_view kIssAud = R"(,"iss":"uitgo","aud":"uitgo-api")";

std::string payload_json(std::int64_t iat, std::int64_t exp, std::string_view role = "rider") {
  return R"({"sub":"u-1","role":")" + std::string(role) + R"(","iat":)" + std::to_string(iat) + R"(,"exp":)" +
         std::to_string(exp) + R"(,"jti":"j-1")" + std::string(kIssAud) + "}";
}

std::string valid_payload() { return payload_json(now_s(), now_s() + 600); }

constexpr std::string_view kHs256Header = R"({"alg":"HS256","typ":"at+jwt"})";

// verify() must reject with InvalidToken (and nothing else).
void expect_invalid(const Jwt& jwt, std::string_view token, std::string_view reason_part = {}) {
  try {
    jwt.verify(token);
    ADD_FAILURE() << "accepted: " << token.substr(0, 200);
  } catch (const InvalidToken& e) {
    if (!reason_part.empty()) {
      EXPECT_NE(std::string_view(e.what()).find(reason_part), std::string_view::npos) << e.what();
    }
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw something other than InvalidToken: " << e.what();
  }
}

std::string segment(std::string_view token, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
  const auto end = token.find('.', start);
  return std::string(token.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
}

}  // namespace

// ------------------------------------------------------------------ base64url

TEST(Base64Url, EncodesRfc4648VectorsWithoutPadding) {
  const std::map<std::string, std::string> vectors = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(auth::base64url_encode(plain), encoded);
    EXPECT_EQ(auth::base64url_decode(encoded), plain);
  }
  EXPECT_EQ(auth::base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(auth::base64url_decode("-_8"), std::string("\xfb\xff"));
}

TEST(Base64Url, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); n += 7) {
    EXPECT_EQ(auth::base64url_decode(auth::base64url_encode(all.substr(0, n))), all.substr(0, n));
  }
}

TEST(Base64Url, DecodingIsStrict) {
  using namespace std::string_view_literals;
  const std::vector<std::string_view> bad_inputs = {"Zg==", "Zm8=", "Zm9v+A", "Zm9v/A", "Z",       "Zm9vY",
                                                    "Zh",   "Zm9",  "Zm 9v",  "Zm9v\n", "Zm\0v"sv, "Zm9v\xc3\xa9"};
  for (const auto bad : bad_inputs) {
    EXPECT_EQ(auth::base64url_decode(bad), std::nullopt) << bad;
  }
}

// ------------------------------------------------------------------ issue / verify

TEST(Jwt, IssuedTokenVerifies) {
  const Jwt jwt(kSecret, std::chrono::seconds(900));
  const auto token = jwt.issue("user-42", "driver");
  const auto claims = jwt.verify(token);
  EXPECT_EQ(claims.sub, "user-42");
  EXPECT_EQ(claims.role, "driver");
  EXPECT_EQ(claims.exp - claims.iat, 900);
  EXPECT_LE(std::abs(claims.iat - now_s()), 2);
  EXPECT_EQ(claims.jti.size(), 32u);
  EXPECT_EQ(claims.jti.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(jwt.issue("user-42", "driver"), token);  // fresh jti
  EXPECT_NE(jwt.verify(jwt.issue("user-42", "driver")).jti, claims.jti);
  EXPECT_EQ(jwt.access_ttl(), std::chrono::seconds(900));
  // The standard header, byte for byte.
  EXPECT_EQ(auth::base64url_decode(segment(token, 0)), std::string(kHs256Header));
}

TEST(Jwt, SignatureMatchesReferenceHmacForEveryKeyLength) {
  // Keys shorter than, equal to and longer than the SHA-256 block (64 bytes).
  for (std::size_t length : {32u, 63u, 64u, 65u, 200u}) {
    std::string key(length, 'k');
    for (std::size_t i = 0; i < length; ++i) key[i] = static_cast<char>(i * 31 + 7);
    const Jwt jwt(key);
    const auto token = jwt.sign({.sub = "s", .role = "admin", .jti = "j", .iat = now_s(), .exp = now_s() + 60});
    const auto dot = token.rfind('.');
    EXPECT_EQ(auth::base64url_decode(token.substr(dot + 1)), reference_hmac(key, token.substr(0, dot))) << length;
    EXPECT_EQ(jwt.verify(token).role, "admin");
  }
}

TEST(Jwt, SignKeepsClaimsAndEscapesStrings) {
  const Jwt jwt(kSecret);
  const Claims in{.sub = "a\"b\\c\u00e9", .role = "admin", .jti = "x", .iat = now_s(), .exp = now_s() + 5};
  const auto out = jwt.verify(jwt.sign(in));
  EXPECT_EQ(out.sub, in.sub);
  EXPECT_EQ(out.role, in.role);
  EXPECT_EQ(out.jti, in.jti);
  EXPECT_EQ(out.iat, in.iat);
  EXPECT_EQ(out.exp, in.exp);
}

TEST(Jwt, ForgedHelperProducesAcceptedTokens) {
  // Sanity check of the test helper: what the other tests change is the only problem.
  const Jwt jwt(kSecret);
  EXPECT_EQ(jwt.verify(forge(kHs256Header, valid_payload())).sub, "u-1");
  // typ may be the media type's long form; key order and whitespace do not matter.
  EXPECT_EQ(jwt.verify(forge(R"({"alg":"HS256","typ":"application/at+jwt"})", valid_payload())).sub, "u-1");
  EXPECT_EQ(jwt.verify(forge(R"( { "typ" : "at+jwt", "kid": "k1", "alg" : "HS256" } )", valid_payload())).sub, "u-1");
}

TEST(Jwt, RejectsAlgNone) {
  const Jwt jwt(kSecret);
  const std::string header = auth::base64url_encode(R"({"alg":"none","typ":"JWT"})");
  const std::string body = auth::base64url_encode(valid_payload());
  expect_invalid(jwt, header + "." + body + ".", "");  // the classic: empty signature
  expect_invalid(jwt, header + "." + body);            // or none at all
  expect_invalid(jwt, forge(R"({"alg":"none","typ":"JWT"})", valid_payload()), "algorithm");  // even a valid MAC
  expect_invalid(jwt, header + "." + body + "." + segment(jwt.issue("u-1", "admin"), 2), "algorithm");
}

TEST(Jwt, RejectsEveryOtherAlgorithm) {
  const Jwt jwt(kSecret);
  for (std::string_view header :
       {R"({"alg":"RS256","typ":"JWT"})", R"({"alg":"HS512","typ":"JWT"})", R"({"alg":"HS384","typ":"JWT"})",
        R"({"alg":"hs256","typ":"JWT"})", R"({"alg":"HS256 ","typ":"JWT"})", R"({"alg":"NONE"})", R"({"typ":"JWT"})",
        R"({"alg":null})", R"({"alg":256})", R"({"alg":["HS256"]})", R"({})"}) {
    SCOPED_TRACE(header);
    expect_invalid(jwt, forge(header, valid_payload()));
  }
}

TEST(Jwt, RejectsOddHeaders) {
  const Jwt jwt(kSecret);
  expect_invalid(jwt, forge(R"({"alg":"HS256","typ":"JWS"})", valid_payload()), "typ");
  expect_invalid(jwt, forge(R"({"alg":"HS256","typ":7})", valid_payload()), "typ");
  expect_invalid(jwt, forge(R"({"alg":"HS256","typ":"at+jwt","crit":["exp"]})", valid_payload()), "crit");
  expect_invalid(jwt, forge("not json", valid_payload()), "header is not JSON");
  expect_invalid(jwt, forge(R"({"alg":"HS256")", valid_payload()), "header is not JSON");
  expect_invalid(jwt, forge(R"({"alg":"HS256"} x)", valid_payload()), "header is not JSON");
  expect_invalid(jwt, forge(R"(["HS256"])", valid_payload()), "header is not a JSON object");
  expect_invalid(jwt, forge("", valid_payload()), "empty token segment");
  expect_invalid(jwt, forge("\xff\xfe", valid_payload()), "header is not JSON");
}

TEST(Jwt, RejectsTampering) {
  const Jwt jwt(kSecret);
  const auto token = jwt.issue("user-1", "rider");
  const auto header = segment(token, 0);
  const auto payload = segment(token, 1);
  const auto signature = segment(token, 2);

  // Payload swapped for one claiming admin, signature kept.
  auto claims = *auth::base64url_decode(payload);
  claims.replace(claims.find("rider"), 5, "admin");
  expect_invalid(jwt, header + "." + auth::base64url_encode(claims) + "." + signature, "signature mismatch");

  // One character of the signature changed (the first: the last carries unused bits).
  auto flipped = signature;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  expect_invalid(jwt, header + "." + payload + "." + flipped, "signature mismatch");

  // Truncated or extended signature.
  expect_invalid(jwt, header + "." + payload + "." + signature.substr(0, 42), "signature is not");
  expect_invalid(jwt, header + "." + payload + "." + signature + "AA", "signature is not");
  // Padding is not base64url.
  expect_invalid(jwt, header + "." + payload + "." + signature + "=", "signature is not");
  // Base64 (not url) alphabet.
  auto standard = signature;
  for (auto& c : standard) c = c == '-' ? '+' : c == '_' ? '/' : c;
  if (standard != signature) expect_invalid(jwt, header + "." + payload + "." + standard, "signature is not");

  EXPECT_EQ(jwt.verify(token).sub, "user-1");
}

TEST(Jwt, RejectsAnotherSecret) {
  const Jwt ours(kSecret);
  const Jwt theirs(std::string(64, 'x'));
  expect_invalid(ours, theirs.issue("u-1", "admin"), "signature mismatch");
  expect_invalid(ours, forge(kHs256Header, valid_payload(), std::string(64, 'x')), "signature mismatch");
}

TEST(Jwt, ExpiryIsStrict) {
  const Jwt jwt(kSecret);
  const std::int64_t now = 1'800'000'000;
  const auto token = jwt.sign({.sub = "u", .role = "rider", .jti = "j", .iat = now - 100, .exp = now});
  EXPECT_THROW(jwt.verify(token, now), InvalidToken);  // exp == now: expired, no leeway
  EXPECT_THROW(jwt.verify(token, now + 1), InvalidToken);
  EXPECT_EQ(jwt.verify(token, now - 1).sub, "u");
  expect_invalid(jwt, jwt.sign({.sub = "u", .role = "rider", .jti = "j", .iat = now_s() - 10, .exp = now_s() - 1}),
                 "expired");
}

TEST(Jwt, RequiresIntegerExpAndIat) {
  const Jwt jwt(kSecret);
  const auto n = std::to_string(now_s());
  const auto later = std::to_string(now_s() + 600);
  const auto with = [&](std::string_view time_claims) {
    return forge(kHs256Header,
                 R"({"sub":"u","role":"rider","jti":"j")" + std::string(kIssAud) + std::string(time_claims) + "}");
  };
  expect_invalid(jwt, with(",\"iat\":" + n), "exp claim missing");
  expect_invalid(jwt, with(",\"iat\":" + n + ",\"exp\":\"" + later + "\""), "exp claim is not an integer");
  expect_invalid(jwt, with(",\"iat\":" + n + ",\"exp\":" + later + ".5"), "exp claim is not an integer");
  expect_invalid(jwt, with(",\"iat\":" + n + ",\"exp\":1.9e9"), "exp claim is not an integer");
  expect_invalid(jwt, with(",\"iat\":" + n + ",\"exp\":18446744073709551615"), "exp claim is not an integer");
  expect_invalid(jwt, with(",\"iat\":" + n + ",\"exp\":null"), "exp claim is not an integer");
  expect_invalid(jwt, with(",\"exp\":" + later), "iat claim missing");
  expect_invalid(jwt, with(",\"iat\":\"" + n + "\",\"exp\":" + later), "iat claim is not an integer");
  EXPECT_EQ(jwt.verify(with(",\"iat\":" + n + ",\"exp\":" + later)).sub, "u");
}

TEST(Jwt, RejectsIatInTheFuture) {
  const Jwt jwt(kSecret);
  const auto now = now_s();
  expect_invalid(jwt, forge(kHs256Header, payload_json(now + 3600, now + 7200)), "future");
  expect_invalid(jwt, forge(kHs256Header, payload_json(now + auth::kMaxIatSkewSeconds + 5, now + 7200)), "future");
  // A little clock skew between instances is fine.
  EXPECT_EQ(jwt.verify(forge(kHs256Header, payload_json(now + 5, now + 600))).sub, "u-1");
  // exp must come after iat.
  expect_invalid(jwt, forge(kHs256Header, payload_json(now + 30, now + 20)), "exp is not after iat");
}

TEST(Jwt, ChecksSubRoleAndJti) {
  const Jwt jwt(kSecret);
  const auto now = now_s();
  for (std::string_view role : {"superuser", "Admin", "", "rider "}) {
    SCOPED_TRACE(role);
    expect_invalid(jwt, forge(kHs256Header, payload_json(now, now + 60, role)), "role");
  }
  for (std::string_view role : {"rider", "driver", "admin"}) {
    EXPECT_EQ(jwt.verify(forge(kHs256Header, payload_json(now, now + 60, role))).role, role);
  }
  const auto times = ",\"iat\":" + std::to_string(now) + ",\"exp\":" + std::to_string(now + 60) + std::string(kIssAud);
  expect_invalid(jwt, forge(kHs256Header, R"({"role":"rider","jti":"j")" + times + "}"), "sub claim missing");
  expect_invalid(jwt, forge(kHs256Header, R"({"sub":"","role":"rider","jti":"j")" + times + "}"), "sub claim is empty");
  expect_invalid(jwt, forge(kHs256Header, R"({"sub":42,"role":"rider","jti":"j")" + times + "}"), "not a string");
  expect_invalid(jwt, forge(kHs256Header, R"({"sub":"u","jti":"j")" + times + "}"), "role claim missing");
  expect_invalid(jwt, forge(kHs256Header, R"({"sub":"u","role":["admin"],"jti":"j")" + times + "}"), "not a string");
  expect_invalid(jwt, forge(kHs256Header, R"({"sub":"u","role":"rider")" + times + "}"), "jti claim missing");
  expect_invalid(jwt, forge(kHs256Header, R"({"sub":"u","role":"rider","jti":7)" + times + "}"), "not a string");
}

TEST(Jwt, RejectsMalformedStructure) {
  const Jwt jwt(kSecret);
  const auto token = jwt.issue("u", "rider");
  const auto h = segment(token, 0), p = segment(token, 1), s = segment(token, 2);
  expect_invalid(jwt, "", "empty token");
  expect_invalid(jwt, h + "." + p, "three segments");
  expect_invalid(jwt, h + "." + p + "." + s + "." + s, "three segments");
  expect_invalid(jwt, token + ".", "three segments");
  expect_invalid(jwt, "..", "empty token segment");
  expect_invalid(jwt, "." + p + "." + s, "empty token segment");
  expect_invalid(jwt, h + ".." + s, "empty token segment");
  expect_invalid(jwt, "abc", "three segments");
  // Invalid base64url in the payload (signed over as-is, so only decoding can fail).
  expect_invalid(jwt, forge(kHs256Header, valid_payload()).replace(h.size() + 1, 1, "+"));
  const std::string bad_payload = h + ".e30+.";
  expect_invalid(jwt, bad_payload + auth::base64url_encode(reference_hmac(kSecret, h + ".e30+")),
                 "payload is not base64url");
  // Payload that is not a JSON object.
  expect_invalid(jwt, forge(kHs256Header, "[1,2]"), "payload is not a JSON object");
  expect_invalid(jwt, forge(kHs256Header, "\"text\""), "payload is not a JSON object");
  expect_invalid(jwt, forge(kHs256Header, "{\"sub\":"), "payload is not JSON");
  expect_invalid(jwt, forge(kHs256Header, "{\"sub\":\"\xff\"}"), "payload is not JSON");
}

TEST(Jwt, RejectsHugeTokensBeforeParsing) {
  const Jwt jwt(kSecret);
  expect_invalid(jwt, std::string(auth::kMaxTokenBytes + 1, 'A'), "longer than");
  // A correctly signed token that is simply too big.
  const std::string big_sub(auth::kMaxTokenBytes, 's');
  expect_invalid(jwt, jwt.issue(big_sub, "rider"), "longer than");
  // Deeply nested JSON inside the limit fails as JSON, not as a crash.
  expect_invalid(jwt, forge(kHs256Header, std::string(1500, '[') + std::string(1500, ']')), "payload is not");
}

TEST(Jwt, RefusesShortSecretsAndBadTtl) {
  EXPECT_THROW(Jwt(std::string(31, 'x')), std::invalid_argument);
  EXPECT_THROW(Jwt(""), std::invalid_argument);
  EXPECT_THROW(Jwt(kSecret, std::chrono::seconds(0)), std::invalid_argument);
  EXPECT_NO_THROW(Jwt(std::string(32, 'x')));
}

TEST(Jwt, VerifiesConcurrently) {
  const Jwt jwt(kSecret);
  const auto good = jwt.issue("u-1", "rider");
  const auto bad = Jwt(std::string(40, 'z')).issue("u-1", "rider");
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        try {
          if (jwt.verify(good).sub != "u-1") ++failures;
        } catch (...) {
          ++failures;
        }
        try {
          jwt.verify(bad);
          ++failures;
        } catch (const InvalidToken&) {
        }
        if (i % 100 == 0 && jwt.verify(jwt.issue("x", "admin")).sub != "x") ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

// ------------------------------------------------------------------ authenticator

namespace {

struct AuthFixture {
  std::shared_ptr<const Jwt> jwt = std::make_shared<const Jwt>(kSecret);
  auth::JwtAuthenticator authenticator{jwt};

  // 401 with this message, or an empty string when it authenticated.
  std::string rejection(const http::Request& request) const {
    try {
      authenticator.authenticate(request);
      return {};
    } catch (const DomainError& e) {
      EXPECT_EQ(e.kind(), uitgo::Refusal::unauthenticated);
      EXPECT_EQ(e.code(), "unauthorized");
      return e.what();
    }
  }
};

http::Request with_header(std::string name, std::string value) {
  return http::Request{.headers = {{std::move(name), std::move(value)}}};
}

}  // namespace

TEST(JwtAuthenticator, MissingOrNonBearerCredentials) {
  const AuthFixture f;
  EXPECT_EQ(f.rejection(http::Request{}), "missing bearer token");
  EXPECT_EQ(f.rejection(with_header("authorization", "Basic dXNlcjpwYXNz")), "missing bearer token");
  EXPECT_EQ(f.rejection(with_header("authorization", "Bearer ")), "missing bearer token");
  EXPECT_EQ(f.rejection(with_header("authorization", "Basic x")), "missing bearer token");
}

TEST(JwtAuthenticator, AcceptsValidBearerToken) {
  const AuthFixture f;
  const auto principal =
      f.authenticator.authenticate(with_header("authorization", "Bearer " + f.jwt->issue("d-7", "driver")));
  EXPECT_EQ(principal.user_id, "d-7");
  EXPECT_EQ(principal.role, "driver");
}

TEST(JwtAuthenticator, AcceptsQueryTokenFallback) {
  const AuthFixture f;
  http::Request request{.query = {{"token", f.jwt->issue("r-1", "rider")}}, .websocket_upgrade = true};
  const auto principal = f.authenticator.authenticate(request);
  EXPECT_EQ(principal.user_id, "r-1");
  EXPECT_EQ(principal.role, "rider");
}

TEST(JwtAuthenticator, AcceptsAccessTokenQueryOfTheAppsWebBuilds) {
  const AuthFixture f;
  http::Request request{
      .query = {{"role", "rider"}, {"userId", "someone-else"}, {"accessToken", f.jwt->issue("r-2", "rider")}},
      .websocket_upgrade = true};
  const auto principal = f.authenticator.authenticate(request);
  EXPECT_EQ(principal.user_id, "r-2") << "identity comes from the token, never from userId";
  EXPECT_EQ(principal.role, "rider");
}

TEST(JwtAuthenticator, QueryTokenIsIgnoredOutsideWebSocketUpgrades) {
  const AuthFixture f;
  for (const char* name : {"token", "accessToken"}) {
    http::Request request{.query = {{name, f.jwt->issue("r-1", "rider")}}};
    EXPECT_EQ(f.rejection(request), "missing bearer token") << name;
  }
}

TEST(JwtAuthenticator, InvalidTokensGetOneGenericMessage) {
  const AuthFixture f;
  const Jwt other(std::string(48, 'o'));
  const auto expired =
      f.jwt->sign({.sub = "u", .role = "rider", .jti = "j", .iat = now_s() - 100, .exp = now_s() - 50});
  for (const auto& token :
       {std::string("garbage"), other.issue("u", "admin"), expired, forge(R"({"alg":"none"})", valid_payload())}) {
    EXPECT_EQ(f.rejection(with_header("authorization", "Bearer " + token)), "invalid or expired token");
  }
  http::Request bad_query{.query = {{"token", "a.b.c"}}, .websocket_upgrade = true};
  EXPECT_EQ(f.rejection(bad_query), "invalid or expired token");
}

// ------------------------------------------------------------------ config

namespace {

config::Values load(std::map<std::string, std::string> env) {
  return auth::jwt_spec().load([env = std::move(env)](std::string_view name) -> std::optional<std::string> {
    const auto it = env.find(std::string(name));
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

}  // namespace

TEST(JwtConfig, SpecDefaultsAndSecrecy) {
  const auto spec = auth::jwt_spec();
  bool secret_marked = false;
  for (const auto& v : spec.variables()) {
    if (v.name == "JWT_SECRET") secret_marked = v.secret;
  }
  EXPECT_TRUE(secret_marked);
  const auto values = load({{"JWT_SECRET", kSecret}});
  EXPECT_EQ(values.integer("JWT_ACCESS_TTL_SECONDS"), 900);
  EXPECT_FALSE(values.flag("UITGO_DEV_MODE"));
  EXPECT_THROW(load({{"JWT_ACCESS_TTL_SECONDS", "59"}}), config::ConfigError);
  EXPECT_THROW(load({{"JWT_ACCESS_TTL_SECONDS", "86401"}}), config::ConfigError);
  EXPECT_THROW(load({{"UITGO_DEV_MODE", "maybe"}}), config::ConfigError);
}

TEST(JwtConfig, MakeJwtUsesSecretAndTtl) {
  const auto jwt = auth::make_jwt(load({{"JWT_SECRET", kSecret}, {"JWT_ACCESS_TTL_SECONDS", "120"}}));
  EXPECT_EQ(jwt->access_ttl(), std::chrono::seconds(120));
  // Interoperates with any other Jwt on the same secret (another service).
  EXPECT_EQ(Jwt(kSecret).verify(jwt->issue("u", "rider")).sub, "u");
}

TEST(JwtConfig, MissingOrShortSecretFails) {
  for (const auto& env : std::vector<std::map<std::string, std::string>>{
           {},
           {{"JWT_SECRET", "short"}},
           {{"JWT_SECRET", std::string(31, 'x')}},
           // Dev mode only stands in for a missing secret, never for a weak one.
           {{"JWT_SECRET", "short"}, {"UITGO_DEV_MODE", "true"}}}) {
    try {
      auth::make_jwt(load(env));
      ADD_FAILURE() << "accepted";
    } catch (const config::ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("JWT_SECRET must be set to at least 32 bytes"), std::string::npos);
      EXPECT_EQ(std::string(e.what()).find("short"), std::string::npos);  // never echoed
    }
  }
}

TEST(JwtConfig, DevModeFallsBackToTheDevelopmentSecret) {
  const auto jwt = auth::make_jwt(load({{"UITGO_DEV_MODE", "true"}}));
  const auto token = jwt->issue("dev", "admin");
  EXPECT_EQ(Jwt(std::string(auth::kDevelopmentSecret)).verify(token).sub, "dev");
  // A real secret wins over dev mode.
  const auto real = auth::make_jwt(load({{"UITGO_DEV_MODE", "true"}, {"JWT_SECRET", kSecret}}));
  EXPECT_EQ(Jwt(kSecret).verify(real->issue("u", "rider")).sub, "u");
  EXPECT_THROW(Jwt(std::string(auth::kDevelopmentSecret)).verify(real->issue("u", "rider")), InvalidToken);
}

// ------------------------------------------------------------------ access-token profile (RFC 9068)

TEST(JwtProfile, IssuedTokensCarryTypIssAndAud) {
  const Jwt jwt(kSecret);
  const auto token = jwt.issue("u", "rider");
  const auto header = auth::base64url_decode(segment(token, 0)).value_or("");
  const auto payload = auth::base64url_decode(segment(token, 1)).value_or("");
  EXPECT_NE(header.find(R"("typ":"at+jwt")"), std::string::npos) << header;
  EXPECT_NE(payload.find(R"("iss":"uitgo")"), std::string::npos) << payload;
  EXPECT_NE(payload.find(R"("aud":"uitgo-api")"), std::string::npos) << payload;
}

TEST(JwtProfile, TypMustBeAtJwt) {
  const Jwt jwt(kSecret);
  expect_invalid(jwt, forge(R"({"alg":"HS256"})", valid_payload()), "no typ");
  expect_invalid(jwt, forge(R"({"alg":"HS256","typ":"JWT"})", valid_payload()), "typ");
  expect_invalid(jwt, forge(R"({"alg":"HS256","typ":"AT+JWT "})", valid_payload()), "typ");
}

TEST(JwtProfile, IssMustBeOurs) {
  const Jwt jwt(kSecret);
  const auto now = now_s();
  const auto times = R"(,"iat":)" + std::to_string(now) + R"(,"exp":)" + std::to_string(now + 60);
  const std::string base = R"({"sub":"u","role":"rider","jti":"j","aud":"uitgo-api")" + times;
  expect_invalid(jwt, forge(kHs256Header, base + "}"), "iss claim missing");
  expect_invalid(jwt, forge(kHs256Header, base + R"(,"iss":"someone-else"})"), "iss is not this issuer");
  expect_invalid(jwt, forge(kHs256Header, base + R"(,"iss":7})"), "iss claim is not a string");
  EXPECT_EQ(jwt.verify(forge(kHs256Header, base + R"(,"iss":"uitgo"})")).sub, "u");
  // A service configured with another issuer refuses our tokens.
  const Jwt other(kSecret, std::chrono::minutes(15), {.issuer = "elsewhere"});
  expect_invalid(other, jwt.issue("u", "rider"), "iss");
}

TEST(JwtProfile, AudMustIncludeOurs) {
  const Jwt jwt(kSecret);
  const auto now = now_s();
  const auto times = R"(,"iat":)" + std::to_string(now) + R"(,"exp":)" + std::to_string(now + 60);
  const std::string base = R"({"sub":"u","role":"rider","jti":"j","iss":"uitgo")" + times;
  expect_invalid(jwt, forge(kHs256Header, base + "}"), "aud claim missing");
  expect_invalid(jwt, forge(kHs256Header, base + R"(,"aud":"another-api"})"), "aud does not include");
  expect_invalid(jwt, forge(kHs256Header, base + R"(,"aud":["a","b"]})"), "aud does not include");
  expect_invalid(jwt, forge(kHs256Header, base + R"(,"aud":{"x":1}})"), "aud claim is not");
  EXPECT_EQ(jwt.verify(forge(kHs256Header, base + R"(,"aud":["other","uitgo-api"]})")).sub, "u");
  const Jwt other(kSecret, std::chrono::minutes(15), {.audience = "admin-api"});
  expect_invalid(other, jwt.issue("u", "rider"), "aud");
}

TEST(JwtProfile, LifetimeIsCapped) {
  const Jwt jwt(kSecret, std::chrono::minutes(15), {.max_lifetime = std::chrono::hours(1)});
  const auto now = now_s();
  expect_invalid(jwt, forge(kHs256Header, payload_json(now, now + 3601)), "lifetime exceeds");
  expect_invalid(jwt, forge(kHs256Header, payload_json(now - 10, now + 10 * 365 * 86400)), "lifetime exceeds");
  EXPECT_EQ(jwt.verify(forge(kHs256Header, payload_json(now, now + 3600))).sub, "u-1");
  // The default cap is a day.
  const Jwt standard(kSecret);
  expect_invalid(standard, forge(kHs256Header, payload_json(now, now + 86401)), "lifetime exceeds");
  EXPECT_THROW(Jwt(kSecret, std::chrono::hours(2), {.max_lifetime = std::chrono::hours(1)}), std::invalid_argument);
}

TEST(JwtConfig, ProfileSettings) {
  const auto values = load({{"JWT_SECRET", kSecret}});
  EXPECT_EQ(values.str("JWT_ISSUER"), "uitgo");
  EXPECT_EQ(values.str("JWT_AUDIENCE"), "uitgo-api");
  EXPECT_EQ(values.integer("ACCESS_TOKEN_MAX_TTL_SECONDS"), 86400);
  const auto jwt = auth::make_jwt(load({{"JWT_SECRET", kSecret}, {"JWT_ISSUER", "iss-x"}, {"JWT_AUDIENCE", "aud-y"}}));
  EXPECT_EQ(jwt->profile().issuer, "iss-x");
  EXPECT_EQ(jwt->profile().audience, "aud-y");
  expect_invalid(Jwt(kSecret), jwt->issue("u", "rider"));
  EXPECT_THROW(
      auth::make_jwt(load(
          {{"JWT_SECRET", kSecret}, {"JWT_ACCESS_TTL_SECONDS", "7200"}, {"ACCESS_TOKEN_MAX_TTL_SECONDS", "3600"}})),
      config::ConfigError);
}
