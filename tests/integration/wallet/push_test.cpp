// Pushes through PUSH_SENDER=fcm against a fake FCM (token endpoint and
// messages:send on one FakeService): the access token is fetched once and
// reused, an UNREGISTERED token is forgotten, a 503 is retried until it is
// sent, and the trip event's notification is in the inbox whatever the pushes did.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "support/shared_environment.hpp"
#include "trips/fake_service.hpp"
#include "wallet/wallet_support.hpp"

namespace uitgo::test::wallet {
namespace {

using namespace std::chrono_literals;

// A service account file with a fresh RSA key.
std::string write_service_account() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  const std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(key);
  const auto path = (std::filesystem::temp_directory_path() / ("uitgo-fcm-" + unique_suffix() + ".json")).string();
  const json::object account{{"type", "service_account"},
                             {"project_id", "uitgo-test"},
                             {"private_key_id", "k1"},
                             {"private_key", pem},
                             {"client_email", "push@uitgo-test.iam.gserviceaccount.com"},
                             {"token_uri", "https://oauth2.googleapis.com/token"}};
  std::ofstream(path) << json::serialize(account);
  return path;
}

struct FcmStack {
  FakeService fcm;
  std::string account_file = write_service_account();
  Stack stack{Env{{"PUSH_SENDER", "fcm"},
                  {"FCM_SERVICE_ACCOUNT_FILE", account_file},
                  {"FCM_API_URL", "http://127.0.0.1:" + std::to_string(fcm.port())},
                  {"FCM_TOKEN_URL", "http://127.0.0.1:" + std::to_string(fcm.port()) + "/token"},
                  {"PUSH_POLL_MS", "200"},
                  {"PUSH_RETRY_BASE_MS", "200"},
                  {"PUSH_RETRY_MAX_MS", "400"}}};
  ~FcmStack() { std::filesystem::remove(account_file); }
};

FcmStack* h = nullptr;
const auto* const environment = share_per_binary(h, [] { return std::make_unique<FcmStack>(); });

std::string token_of(const FakeRequest& r) {
  boost::system::error_code ec;
  const auto v = json::parse(r.body, ec);
  if (ec || !v.is_object()) return "";
  return str(v.as_object().at("message"), "token");
}

TEST(FcmPush, GoneTokensForgottenFailuresRetriedTheInboxUntouched) {
  std::atomic<int> flaky_failures{0};
  h->fcm.set_handler([&](const FakeRequest& r) -> FakeResponse {
    if (r.target == "/token") return {200, R"({"access_token":"fake-access","expires_in":3600})"};
    const auto token = token_of(r);
    if (token.rfind("gone-", 0) == 0) {
      return {404, R"({"error":{"code":404,"status":"NOT_FOUND","details":[{"errorCode":"UNREGISTERED"}]}})"};
    }
    if (token.rfind("flaky-", 0) == 0 && flaky_failures.fetch_add(1) < 2) {
      return {503, R"({"error":{"code":503,"status":"UNAVAILABLE"}})"};
    }
    return {200, R"({"name":"projects/uitgo-test/messages/1"})"};
  });
  const auto driver = h->stack.gateway.user("driver");
  const std::string gone = "gone-" + unique_suffix();
  const std::string flaky = "flaky-" + unique_suffix();
  const std::string fine = "ok-" + unique_suffix();
  for (const auto& token : {gone, flaky, fine}) {
    const json::object body{{"platform", "android"}, {"token", token}};
    ASSERT_EQ(h->stack.gateway.call("POST", "/v1/notifications/register", driver, body).status, 204);
  }
  const auto trip = new_uuid();
  const json::object event{{"eventId", "trip.offered:" + trip + ":" + driver.id},
                           {"userId", driver.id},
                           {"recipient", "driver"},
                           {"kind", "offered"},
                           {"tripId", trip},
                           {"status", "requested"},
                           {"originText", "A"},
                           {"destText", "B"}};
  ASSERT_EQ(h->stack.user_service.internal("POST", "/internal/notifications/trip-events", event).status, 200);
  const auto inbox = body_of(h->stack.gateway.call("GET", "/notifications?unreadOnly=true", driver));
  EXPECT_EQ(num(inbox, "total"), 1) << "stored before any push";

  ASSERT_TRUE(eventually([&] { return h->stack.count("user_db", "SELECT count(*) FROM push_outbox") == 0; }, 20s))
      << h->stack.gateway.scalar("user_db", "SELECT string_agg(token || ' ' || attempts, ', ') FROM push_outbox");
  EXPECT_EQ(h->stack.count("user_db", "SELECT count(*) FROM device_tokens WHERE token = '" + gone + "'"), 0)
      << "UNREGISTERED: forgotten";
  EXPECT_EQ(h->stack.count("user_db", "SELECT count(*) FROM device_tokens WHERE user_id = '" + driver.id + "'"), 2);

  int sends_to_flaky = 0;
  for (const auto& r : h->fcm.requests("/v1/projects/uitgo-test/messages:send")) {
    EXPECT_EQ(r.headers.at("authorization"), "Bearer fake-access");
    sends_to_flaky += token_of(r) == flaky ? 1 : 0;
  }
  EXPECT_EQ(sends_to_flaky, 3) << "two 503s, then sent";
  EXPECT_EQ(h->fcm.requests("/token").size(), 1u) << "the access token is reused";
  const auto port = h->stack.stack.user_port;
  EXPECT_EQ(metric(port, "push_sent_total", {"sender=\"fcm\""}), 2);
  EXPECT_EQ(metric(port, "push_failures_total", {"sender=\"fcm\"", "reason=\"unregistered\""}), 1);
  EXPECT_EQ(metric(port, "push_failures_total", {"sender=\"fcm\"", "reason=\"unavailable\""}), 2);
}

}  // namespace
}  // namespace uitgo::test::wallet
