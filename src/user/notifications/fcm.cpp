#include "user/notifications/fcm.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "core/auth/jwt.hpp"
#include "core/base/errors.hpp"
#include "core/base/log.hpp"
#include "core/base/time.hpp"

namespace uitgo::user::notifications {
namespace {

std::string string_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// "https://host:port/path?q" → {"https://host:port", "/path?q"}.
std::pair<std::string, std::string> split_url(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) throw std::runtime_error("not an absolute URL: " + url);
  const auto path = url.find('/', scheme + 3);
  if (path == std::string::npos) return {url, "/"};
  return {url.substr(0, path), url.substr(path)};
}

std::string form_escape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

struct KeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};

std::string rs256(std::string_view pem, std::string_view input) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw std::runtime_error("service account key: out of memory");
  std::unique_ptr<EVP_PKEY, KeyDeleter> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) throw std::runtime_error("service account private_key is not a PEM private key");
  std::unique_ptr<EVP_MD_CTX, MdDeleter> ctx(EVP_MD_CTX_new());
  std::size_t size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(input.data()), input.size()) !=
          1) {
    throw std::runtime_error("RS256 signing failed");
  }
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    throw std::runtime_error("RS256 signing failed");
  }
  signature.resize(size);
  return signature;
}

// The errorCode of FCM's error details, or its status ("NOT_FOUND").
std::string fcm_error_code(const std::string& body) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return "";
  const auto* error = value.as_object().if_contains("error");
  if (error == nullptr || !error->is_object()) return "";
  if (const auto* details = error->as_object().if_contains("details"); details != nullptr && details->is_array()) {
    for (const auto& d : details->as_array()) {
      if (!d.is_object()) continue;
      const auto code = string_of(d.as_object(), "errorCode");
      if (!code.empty()) return code;
    }
  }
  return string_of(error->as_object(), "status");
}

std::int64_t system_seconds() { return now_ms() / 1000; }

class HttpFcmTransport final : public FcmTransport {
 public:
  explicit HttpFcmTransport(asio::any_io_executor executor) : executor_(std::move(executor)) {}

  awaitable<http::ClientResponse> post(const std::string& url, const http::OutboundRequest& request) override {
    const auto parts = split_url(url);  // origin, target
    auto& client = clients_[parts.first];
    if (!client) {
      client = std::make_unique<http::Client>(executor_, http::ClientOptions{.base_url = parts.first, .max_idle = 4});
    }
    http::OutboundRequest copy = request;
    copy.target = parts.second;
    co_return co_await client->send(copy);
  }

 private:
  asio::any_io_executor executor_;
  std::map<std::string, std::unique_ptr<http::Client>> clients_;
};

}  // namespace

ServiceAccount ServiceAccount::from_json(std::string_view text) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(text, ec);
  if (ec || !value.is_object()) throw std::runtime_error("the service account file is not a JSON object");
  const auto& o = value.as_object();
  ServiceAccount a{.project_id = string_of(o, "project_id"),
                   .client_email = string_of(o, "client_email"),
                   .private_key_pem = string_of(o, "private_key"),
                   .private_key_id = string_of(o, "private_key_id"),
                   .token_uri = string_of(o, "token_uri")};
  if (a.client_email.empty()) throw std::runtime_error("the service account has no client_email");
  if (a.private_key_pem.empty()) throw std::runtime_error("the service account has no private_key");
  if (a.token_uri.empty()) a.token_uri = "https://oauth2.googleapis.com/token";
  return a;
}

std::string service_account_assertion(const ServiceAccount& account, std::string_view audience,
                                      std::int64_t issued_at) {
  boost::json::object header{{"alg", "RS256"}, {"typ", "JWT"}};
  if (!account.private_key_id.empty()) header["kid"] = account.private_key_id;
  const boost::json::object claims{{"iss", account.client_email},
                                   {"scope", kFcmScope},
                                   {"aud", audience},
                                   {"iat", issued_at},
                                   {"exp", issued_at + 3600}};
  const auto input = auth::base64url_encode(boost::json::serialize(header)) + "." +
                     auth::base64url_encode(boost::json::serialize(claims));
  return input + "." + auth::base64url_encode(rs256(account.private_key_pem, input));
}

std::string fcm_message_body(const PushMessage& m) {
  boost::json::object data;
  for (const auto& [key, value] : m.data) data[key] = value;
  boost::json::object android{{"priority", "high"}};
  if (!m.android_channel.empty()) android["notification"] = boost::json::object{{"channel_id", m.android_channel}};
  boost::json::object message{{"token", m.token},
                              {"notification", boost::json::object{{"title", m.title}, {"body", m.body}}},
                              {"data", std::move(data)},
                              {"android", std::move(android)}};
  return boost::json::serialize(boost::json::object{{"message", std::move(message)}});
}

std::unique_ptr<FcmTransport> make_fcm_transport(asio::any_io_executor executor) {
  return std::make_unique<HttpFcmTransport>(std::move(executor));
}

FcmSender::FcmSender(ServiceAccount account, FcmSettings settings, std::unique_ptr<FcmTransport> transport)
    : account_(std::move(account)), settings_(std::move(settings)), transport_(std::move(transport)) {
  if (settings_.project_id.empty()) settings_.project_id = account_.project_id;
  if (settings_.token_url.empty()) settings_.token_url = account_.token_uri;
  if (!settings_.now_seconds) settings_.now_seconds = system_seconds;
  while (!settings_.api_url.empty() && settings_.api_url.back() == '/') settings_.api_url.pop_back();
  if (settings_.project_id.empty()) throw std::runtime_error("FCM needs a project id (FCM_PROJECT_ID or project_id)");
}

awaitable<std::optional<std::string>> FcmSender::access_token(PushOutcome& why) {
  const auto now = settings_.now_seconds();
  if (!token_.empty() && now < token_expires_at_ - kRefreshBeforeSeconds) co_return token_;
  http::OutboundRequest request{
      .method = "POST", .content_type = "application/x-www-form-urlencoded", .timeout = settings_.timeout};
  try {
    const auto assertion = service_account_assertion(account_, settings_.token_url, now);
    request.body = "grant_type=" + form_escape("urn:ietf:params:oauth:grant-type:jwt-bearer") +
                   "&assertion=" + form_escape(assertion);
  } catch (const std::exception& e) {
    why = {.status = PushStatus::retry_later, .reason = "credentials", .detail = e.what()};
    co_return std::nullopt;
  }
  http::ClientResponse answer;
  std::string failure;
  bool timed_out = false;
  try {
    answer = co_await transport_->post(settings_.token_url, request);
  } catch (const TimeoutError& e) {
    timed_out = true;
    failure = e.what();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) {
    why = {.status = PushStatus::retry_later, .reason = timed_out ? "timeout" : "unavailable", .detail = failure};
    co_return std::nullopt;
  }
  if (answer.status != 200) {
    why = {.status = PushStatus::retry_later,
           .reason = "oauth",
           .detail = "token endpoint answered " + std::to_string(answer.status)};
    co_return std::nullopt;
  }
  boost::system::error_code ec;
  const auto value = boost::json::parse(answer.body, ec);
  const auto* o = !ec && value.is_object() ? &value.as_object() : nullptr;
  const auto token = o != nullptr ? string_of(*o, "access_token") : std::string();
  if (token.empty()) {
    why = {.status = PushStatus::retry_later, .reason = "oauth", .detail = "token endpoint answered no access_token"};
    co_return std::nullopt;
  }
  std::int64_t expires_in = 3600;
  if (const auto* e = o->if_contains("expires_in"); e != nullptr && e->is_int64()) expires_in = e->get_int64();
  token_ = token;
  token_expires_at_ = now + expires_in;
  co_return token_;
}

awaitable<PushOutcome> FcmSender::send(const PushMessage& message) {
  PushOutcome why;
  const auto token = co_await access_token(why);
  if (!token) co_return why;
  http::OutboundRequest request{.method = "POST", .body = fcm_message_body(message), .timeout = settings_.timeout};
  request.headers.emplace_back("Authorization", "Bearer " + *token);
  const std::string url = settings_.api_url + "/v1/projects/" + settings_.project_id + "/messages:send";
  http::ClientResponse answer;
  std::string failure;
  bool timed_out = false;
  try {
    answer = co_await transport_->post(url, request);
  } catch (const TimeoutError& e) {
    timed_out = true;
    failure = e.what();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) {
    co_return PushOutcome{
        .status = PushStatus::retry_later, .reason = timed_out ? "timeout" : "unavailable", .detail = failure};
  }
  if (answer.status == 200) co_return PushOutcome::ok();
  const auto code = fcm_error_code(answer.body);
  const auto detail = "FCM answered " + std::to_string(answer.status) + (code.empty() ? "" : " " + code);
  if (answer.status == 404 || code == "UNREGISTERED") {
    co_return PushOutcome{.status = PushStatus::token_gone, .reason = "unregistered", .detail = detail};
  }
  if (answer.status == 401) {
    token_.clear();  // expired or revoked early: the next push fetches a new one
    co_return PushOutcome{.status = PushStatus::retry_later, .reason = "auth", .detail = detail};
  }
  if (answer.status == 429) {
    co_return PushOutcome{.status = PushStatus::retry_later, .reason = "quota", .detail = detail};
  }
  if (answer.status >= 500) {
    co_return PushOutcome{.status = PushStatus::retry_later, .reason = "unavailable", .detail = detail};
  }
  co_return PushOutcome{.status = PushStatus::rejected, .reason = "rejected", .detail = detail};
}

config::Spec fcm_spec() {
  config::Spec s;
  s.string("FCM_SERVICE_ACCOUNT_FILE", "",
           "PUSH_SENDER=fcm: path of the Google service account JSON (project_id, client_email, private_key)")
      .string("FCM_PROJECT_ID", "", "PUSH_SENDER=fcm: the Firebase project; default: the service account's project_id")
      .string("FCM_API_URL", "https://fcm.googleapis.com", "PUSH_SENDER=fcm: base URL of the FCM HTTP v1 API")
      .string("FCM_TOKEN_URL", "",
              "PUSH_SENDER=fcm: OAuth2 token endpoint; default: the service account's token_uri "
              "(https://oauth2.googleapis.com/token)")
      .integer("FCM_TIMEOUT_MS", 5000, 100, 60000, "PUSH_SENDER=fcm: deadline of every token and send call");
  return s;
}

std::unique_ptr<FcmSender> make_fcm_sender(asio::any_io_executor executor, const config::Values& config) {
  const auto path = config.str("FCM_SERVICE_ACCOUNT_FILE");
  if (path.empty()) throw config::ConfigError("PUSH_SENDER=fcm needs FCM_SERVICE_ACCOUNT_FILE");
  std::ifstream file(path);
  if (!file) throw config::ConfigError("FCM_SERVICE_ACCOUNT_FILE: cannot read " + path);
  std::stringstream text;
  text << file.rdbuf();
  auto account = ServiceAccount::from_json(text.str());
  FcmSettings settings{.project_id = config.str("FCM_PROJECT_ID"),
                       .api_url = config.str("FCM_API_URL"),
                       .token_url = config.str("FCM_TOKEN_URL"),
                       .timeout = config.millis("FCM_TIMEOUT_MS")};
  log::info("push sender: FCM", {{"project", settings.project_id.empty() ? account.project_id : settings.project_id},
                                 {"apiUrl", settings.api_url}});
  return std::make_unique<FcmSender>(std::move(account), std::move(settings), make_fcm_transport(std::move(executor)));
}

}  // namespace uitgo::user::notifications
