// Firebase Cloud Messaging, HTTP v1 API, as a PushSender.
//
// Credentials: a Google service account (the JSON file of
// FCM_SERVICE_ACCOUNT_FILE: project_id, client_email, private_key (PEM),
// private_key_id, token_uri). An OAuth2 access token is obtained by the JWT
// bearer grant (RFC 7523): a JWT signed RS256 with the private key
//   header {alg: RS256, typ: JWT, kid: private_key_id}
//   claims {iss: client_email, scope: .../auth/firebase.messaging, aud: token URL, iat, exp: iat + 3600}
// POSTed form-encoded to the token URL (grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=…),
// which answers {access_token, expires_in}. The token is cached until
// kRefreshBefore its expiry, and dropped when FCM answers 401.
//
// Each push: POST {FCM_API_URL}/v1/projects/{project}/messages:send
//   {"message": {"token", "notification": {title, body}, "data": {...},
//                "android": {"priority": "high", "notification": {"channel_id"}}}}
// Outcomes: 200 sent; 404 or errorCode UNREGISTERED → token_gone; 401 → the
// cached token is dropped, retry_later; 429, 5xx, a timeout or no connection
// → retry_later; any other answer → rejected. Every call has a deadline
// (FCM_TIMEOUT_MS). The push task sends one push at a time, so the token
// cache needs no lock.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/async.hpp"
#include "core/base/config.hpp"
#include "core/http/client.hpp"
#include "user/notifications/push.hpp"

namespace uitgo::user::notifications {

inline constexpr std::string_view kFcmScope = "https://www.googleapis.com/auth/firebase.messaging";
inline constexpr std::int64_t kRefreshBeforeSeconds = 300;

struct ServiceAccount {
  std::string project_id;
  std::string client_email;
  std::string private_key_pem;
  std::string private_key_id;
  std::string token_uri;
  // Throws std::runtime_error naming what is missing.
  static ServiceAccount from_json(std::string_view text);
};

// The signed JWT of the bearer grant (RS256 over header.claims with OpenSSL
// EVP); throws std::runtime_error when the key does not load.
std::string service_account_assertion(const ServiceAccount& account, std::string_view audience, std::int64_t issued_at);

// One outbound HTTP call; `url` is absolute (https://host[:port]/path).
class FcmTransport {
 public:
  virtual ~FcmTransport() = default;
  // TimeoutError / UnavailableError as http::Client throws them.
  virtual awaitable<http::ClientResponse> post(const std::string& url, const http::OutboundRequest& request) = 0;
};

// The transport over http::Client: one keep-alive client per origin.
std::unique_ptr<FcmTransport> make_fcm_transport(asio::any_io_executor executor);

struct FcmSettings {
  std::string project_id;                              // default: the service account's
  std::string api_url = "https://fcm.googleapis.com";  // FCM_API_URL
  std::string token_url;                               // default: the service account's token_uri
  Millis timeout{5000};                                // FCM_TIMEOUT_MS, every call
  std::function<std::int64_t()> now_seconds;           // the clock (tests set it); default: system time
};

class FcmSender final : public PushSender {
 public:
  FcmSender(ServiceAccount account, FcmSettings settings, std::unique_ptr<FcmTransport> transport);

  std::string_view name() const override { return "fcm"; }
  awaitable<PushOutcome> send(const PushMessage& message) override;

  // The access token, from the cache or the token URL; nullopt with `why` set when it could not be had.
  awaitable<std::optional<std::string>> access_token(PushOutcome& why);

 private:
  ServiceAccount account_;
  FcmSettings settings_;
  std::unique_ptr<FcmTransport> transport_;
  std::string token_;
  std::int64_t token_expires_at_ = 0;
};

// FCM_SERVICE_ACCOUNT_FILE, FCM_PROJECT_ID, FCM_API_URL, FCM_TOKEN_URL, FCM_TIMEOUT_MS.
config::Spec fcm_spec();
std::unique_ptr<FcmSender> make_fcm_sender(asio::any_io_executor executor, const config::Values& config);

// The FCM v1 request body of `message` (pure).
std::string fcm_message_body(const PushMessage& message);

}  // namespace uitgo::user::notifications
