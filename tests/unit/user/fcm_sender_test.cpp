// The FCM HTTP v1 sender on recorded requests: an injected transport records
// every call and answers from a script. Checked: the OAuth2 JWT bearer grant
// (header, claims, and the RS256 signature verified with the public key), the
// message body, the access token's caching, and what each answer becomes.
#include "user/notifications/fcm.hpp"

#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "core/auth/jwt.hpp"
#include "core/base/errors.hpp"

namespace uitgo::user::notifications {
namespace {

struct Recorded {
  std::string url;
  http::OutboundRequest request;
};

// Answers in order; an answer with status 0 throws TimeoutError instead.
struct Script {
  std::vector<Recorded> seen;
  std::deque<http::ClientResponse> answers;
};

class RecordingTransport final : public FcmTransport {
 public:
  explicit RecordingTransport(std::shared_ptr<Script> script) : script_(std::move(script)) {}
  awaitable<http::ClientResponse> post(const std::string& url, const http::OutboundRequest& request) override {
    script_->seen.push_back({url, request});
    if (script_->answers.empty()) throw UnavailableError("no scripted answer");
    auto answer = script_->answers.front();
    script_->answers.pop_front();
    if (answer.status == 0) throw TimeoutError("deadline passed");
    co_return answer;
  }

 private:
  std::shared_ptr<Script> script_;
};

struct Key {
  std::string private_pem;
  std::string public_pem;
};

// A fresh 2048-bit RSA key pair, as a service account file holds one.
const Key& test_key() {
  static const Key key = [] {
    EVP_PKEY* pkey = EVP_RSA_gen(2048);
    BIO* priv = BIO_new(BIO_s_mem());
    BIO* pub = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(priv, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    PEM_write_bio_PUBKEY(pub, pkey);
    auto text = [](BIO* bio) {
      char* data = nullptr;
      const long n = BIO_get_mem_data(bio, &data);
      return std::string(data, static_cast<std::size_t>(n));
    };
    Key k{text(priv), text(pub)};
    BIO_free(priv);
    BIO_free(pub);
    EVP_PKEY_free(pkey);
    return k;
  }();
  return key;
}

bool verify_rs256(const std::string& public_pem, const std::string& input, const std::string& signature) {
  BIO* bio = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = key != nullptr && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
                  EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                                   reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  BIO_free(bio);
  return ok;
}

std::string service_account_json() {
  boost::json::object o{{"type", "service_account"},
                        {"project_id", "uitgo-demo"},
                        {"private_key_id", "key-1"},
                        {"private_key", test_key().private_pem},
                        {"client_email", "push@uitgo-demo.iam.gserviceaccount.com"},
                        {"token_uri", "https://oauth2.example.test/token"}};
  return boost::json::serialize(o);
}

std::string form_value(const std::string& body, const std::string& name) {
  const auto start = body.find(name + "=");
  if (start == std::string::npos) return "";
  const auto from = start + name.size() + 1;
  const auto end = body.find('&', from);
  std::string raw = body.substr(from, end == std::string::npos ? std::string::npos : end - from);
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size()) {
      out.push_back(static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(raw[i]);
    }
  }
  return out;
}

http::ClientResponse answer(int status, std::string body) { return {.status = status, .body = std::move(body)}; }
http::ClientResponse token_answer(const std::string& token = "ya29.first", int expires_in = 3600) {
  return answer(200, R"({"access_token":")" + token + R"(","expires_in":)" + std::to_string(expires_in) +
                         R"(,"token_type":"Bearer"})");
}
http::ClientResponse sent() { return answer(200, R"({"name":"projects/uitgo-demo/messages/0:1"})"); }

struct FcmSend : ::testing::Test {
  std::shared_ptr<Script> script = std::make_shared<Script>();
  std::int64_t now = 1'800'000'000;
  std::unique_ptr<FcmSender> sender;

  void SetUp() override {
    FcmSettings settings{.api_url = "https://fcm.example.test/", .timeout = Millis(1500)};
    settings.now_seconds = [this] { return now; };
    sender = std::make_unique<FcmSender>(ServiceAccount::from_json(service_account_json()), std::move(settings),
                                         std::make_unique<RecordingTransport>(script));
  }

  PushOutcome send(const std::string& token = "device-token-1") {
    const PushMessage message{.token = token,
                              .title = "Chuyến đi hoàn tất",
                              .body = "Cảm ơn bạn",
                              .data = {{"event", "trip.status"}, {"status", "completed"}, {"tripId", "t-1"}},
                              .android_channel = "trip_updates"};
    asio::io_context io;
    auto done = asio::co_spawn(io, sender->send(message), asio::use_future);
    io.run();
    return done.get();
  }

  int calls_to(const std::string& url) const {
    int n = 0;
    for (const auto& r : script->seen) n += r.url == url ? 1 : 0;
    return n;
  }
};

constexpr const char* kTokenUrl = "https://oauth2.example.test/token";
constexpr const char* kSendUrl = "https://fcm.example.test/v1/projects/uitgo-demo/messages:send";

TEST_F(FcmSend, TheBearerGrantIsAVerifiableRs256Jwt) {
  script->answers = {token_answer(), sent()};
  ASSERT_EQ(send().status, PushStatus::sent);
  ASSERT_EQ(script->seen.size(), 2u);
  const auto& grant = script->seen[0];
  EXPECT_EQ(grant.url, kTokenUrl);
  EXPECT_EQ(grant.request.method, "POST");
  EXPECT_EQ(grant.request.content_type, "application/x-www-form-urlencoded");
  ASSERT_TRUE(grant.request.timeout.has_value());
  EXPECT_EQ(grant.request.timeout->count(), 1500) << "every call has a deadline";
  EXPECT_EQ(form_value(grant.request.body, "grant_type"), "urn:ietf:params:oauth:grant-type:jwt-bearer");

  const auto jwt = form_value(grant.request.body, "assertion");
  const auto dot1 = jwt.find('.');
  const auto dot2 = jwt.find('.', dot1 + 1);
  ASSERT_NE(dot2, std::string::npos) << jwt;
  const auto header = boost::json::parse(*auth::base64url_decode(jwt.substr(0, dot1))).as_object();
  EXPECT_EQ(header.at("alg").as_string(), "RS256");
  EXPECT_EQ(header.at("typ").as_string(), "JWT");
  EXPECT_EQ(header.at("kid").as_string(), "key-1");
  const auto claims = boost::json::parse(*auth::base64url_decode(jwt.substr(dot1 + 1, dot2 - dot1 - 1))).as_object();
  EXPECT_EQ(claims.at("iss").as_string(), "push@uitgo-demo.iam.gserviceaccount.com");
  EXPECT_EQ(claims.at("scope").as_string(), "https://www.googleapis.com/auth/firebase.messaging");
  EXPECT_EQ(claims.at("aud").as_string(), kTokenUrl);
  EXPECT_EQ(claims.at("iat").as_int64(), now);
  EXPECT_EQ(claims.at("exp").as_int64(), now + 3600);
  const auto signature = auth::base64url_decode(jwt.substr(dot2 + 1));
  ASSERT_TRUE(signature.has_value());
  EXPECT_EQ(signature->size(), 256u);
  EXPECT_TRUE(verify_rs256(test_key().public_pem, jwt.substr(0, dot2), *signature));
  EXPECT_FALSE(verify_rs256(test_key().public_pem, jwt.substr(0, dot2) + "x", *signature));
}

TEST_F(FcmSend, TheMessageIsFcmV1) {
  script->answers = {token_answer(), sent()};
  ASSERT_EQ(send("device-token-1").status, PushStatus::sent);
  const auto& push = script->seen.at(1);
  EXPECT_EQ(push.url, kSendUrl);
  EXPECT_EQ(push.request.content_type, "application/json");
  ASSERT_TRUE(push.request.timeout.has_value());
  ASSERT_EQ(push.request.headers.size(), 1u);
  EXPECT_EQ(push.request.headers[0].first, "Authorization");
  EXPECT_EQ(push.request.headers[0].second, "Bearer ya29.first");
  const auto body = boost::json::parse(push.request.body).as_object();
  const auto& message = body.at("message").as_object();
  EXPECT_EQ(message.at("token").as_string(), "device-token-1");
  EXPECT_EQ(message.at("notification").at("title").as_string(), "Chuyến đi hoàn tất");
  EXPECT_EQ(message.at("notification").at("body").as_string(), "Cảm ơn bạn");
  EXPECT_EQ(message.at("data").at("tripId").as_string(), "t-1");
  EXPECT_EQ(message.at("data").at("event").as_string(), "trip.status");
  EXPECT_EQ(message.at("android").at("notification").at("channel_id").as_string(), "trip_updates");
}

TEST_F(FcmSend, TheAccessTokenIsCachedUntilNearItsExpiry) {
  script->answers = {token_answer("ya29.first", 3600), sent(), sent()};
  EXPECT_EQ(send().status, PushStatus::sent);
  now += 3600 - kRefreshBeforeSeconds - 1;
  EXPECT_EQ(send().status, PushStatus::sent);
  EXPECT_EQ(calls_to(kTokenUrl), 1) << "cached";

  now += 2;  // within kRefreshBeforeSeconds of the expiry
  script->answers = {token_answer("ya29.second"), sent()};
  EXPECT_EQ(send().status, PushStatus::sent);
  EXPECT_EQ(calls_to(kTokenUrl), 2);
  EXPECT_EQ(script->seen.back().request.headers[0].second, "Bearer ya29.second");
}

TEST_F(FcmSend, AnUnregisteredTokenIsGone) {
  script->answers = {
      token_answer(),
      answer(404, R"({"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND",
                       "details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}})")};
  const auto outcome = send();
  EXPECT_EQ(outcome.status, PushStatus::token_gone);
  EXPECT_EQ(outcome.reason, "unregistered");

  script->answers = {answer(400, R"({"error":{"code":400,"status":"INVALID_ARGUMENT",
                       "details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}})")};
  EXPECT_EQ(send().status, PushStatus::token_gone) << "the errorCode decides";
}

TEST_F(FcmSend, ServerErrorsAndTimeoutsAreRetriedLater) {
  script->answers = {token_answer(), answer(503, R"({"error":{"code":503,"status":"UNAVAILABLE"}})")};
  auto outcome = send();
  EXPECT_EQ(outcome.status, PushStatus::retry_later);
  EXPECT_EQ(outcome.reason, "unavailable");

  script->answers = {answer(429, R"({"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}})")};
  outcome = send();
  EXPECT_EQ(outcome.status, PushStatus::retry_later);
  EXPECT_EQ(outcome.reason, "quota");

  script->answers = {answer(0, "")};  // the transport's deadline passes
  outcome = send();
  EXPECT_EQ(outcome.status, PushStatus::retry_later);
  EXPECT_EQ(outcome.reason, "timeout");

  script->answers = {};  // no connection
  outcome = send();
  EXPECT_EQ(outcome.status, PushStatus::retry_later);
  EXPECT_EQ(outcome.reason, "unavailable");
  EXPECT_EQ(calls_to(kTokenUrl), 1) << "the token stays cached through send failures";
}

TEST_F(FcmSend, A401DropsTheCachedToken) {
  script->answers = {token_answer("ya29.first"), answer(401, R"({"error":{"code":401,"status":"UNAUTHENTICATED"}})")};
  const auto outcome = send();
  EXPECT_EQ(outcome.status, PushStatus::retry_later);
  EXPECT_EQ(outcome.reason, "auth");
  script->answers = {token_answer("ya29.second"), sent()};
  EXPECT_EQ(send().status, PushStatus::sent);
  EXPECT_EQ(calls_to(kTokenUrl), 2);
  EXPECT_EQ(script->seen.back().request.headers[0].second, "Bearer ya29.second");
}

TEST_F(FcmSend, ATokenEndpointFailureSendsNothing) {
  script->answers = {answer(400, R"({"error":"invalid_grant"})")};
  const auto outcome = send();
  EXPECT_EQ(outcome.status, PushStatus::retry_later);
  EXPECT_EQ(outcome.reason, "oauth");
  EXPECT_EQ(calls_to(kSendUrl), 0);
  script->answers = {answer(200, R"({"token_type":"Bearer"})")};
  EXPECT_EQ(send().reason, "oauth") << "an answer without access_token";
  EXPECT_EQ(calls_to(kSendUrl), 0);
}

TEST_F(FcmSend, OtherRefusalsAreFinal) {
  script->answers = {token_answer(), answer(400, R"({"error":{"code":400,"status":"INVALID_ARGUMENT"}})")};
  const auto outcome = send();
  EXPECT_EQ(outcome.status, PushStatus::rejected);
  EXPECT_EQ(outcome.reason, "rejected");
}

TEST(ServiceAccount, NamesWhatIsMissing) {
  EXPECT_THROW(ServiceAccount::from_json("not json"), std::runtime_error);
  EXPECT_THROW(ServiceAccount::from_json(R"({"private_key":"x"})"), std::runtime_error);
  EXPECT_THROW(ServiceAccount::from_json(R"({"client_email":"a@b"})"), std::runtime_error);
  const auto a = ServiceAccount::from_json(R"({"client_email":"a@b","private_key":"k"})");
  EXPECT_EQ(a.token_uri, "https://oauth2.googleapis.com/token") << "Google's default";
  const ServiceAccount broken{.client_email = "a@b", .private_key_pem = "not a key"};
  EXPECT_THROW(service_account_assertion(broken, kTokenUrl, 0), std::runtime_error);
}

}  // namespace
}  // namespace uitgo::user::notifications
