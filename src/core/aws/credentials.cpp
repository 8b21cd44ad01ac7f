#include "core/aws/credentials.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/parse.hpp>

#include <chrono>

#include "core/base/errors.hpp"
#include "core/base/log.hpp"
#include "core/base/time.hpp"

namespace uitgo::aws {
namespace {

// Instance-profile credentials are replaced this long before they expire.
constexpr std::int64_t kRefreshBeforeMs = 5 * 60 * 1000;
// The IMDSv2 session token lives this long; it is renewed a minute early.
constexpr std::int64_t kTokenTtlSeconds = 21600;
constexpr const char* kCredentialsPath = "/latest/meta-data/iam/security-credentials/";

std::string field(const boost::json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (v == nullptr || !v->is_string())
    throw UnavailableError("instance metadata credentials without " + std::string(name));
  return std::string(v->get_string());
}

void require_ok(const http::ClientResponse& r, std::string_view what) {
  if (r.status != 200) {
    throw UnavailableError("instance metadata service answered " + std::to_string(r.status) + " to " +
                           std::string(what));
  }
}

}  // namespace

config::Spec aws_spec() {
  config::Spec s;
  s.string("AWS_REGION", "us-east-1", "AWS region of the SQS queue (and of request signatures)")
      .string("AWS_ACCESS_KEY_ID", "", "AWS access key; unset = the EC2 instance profile (IMDSv2)", true)
      .string("AWS_SECRET_ACCESS_KEY", "", "AWS secret key (with AWS_ACCESS_KEY_ID)", true)
      .string("AWS_SESSION_TOKEN", "", "session token of temporary credentials (with AWS_ACCESS_KEY_ID)", true)
      .string("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://169.254.169.254",
              "instance metadata service (IMDSv2) the instance-profile credentials come from")
      .boolean("AWS_EC2_METADATA_DISABLED", false, "never ask the instance metadata service for credentials");
  return s;
}

struct InstanceProfileCredentials::State {
  State(asio::any_io_executor executor, std::string endpoint, Millis timeout)
      : strand(asio::make_strand(executor)),
        imds(executor, http::ClientOptions{.base_url = std::move(endpoint), .timeout = timeout, .max_idle = 2}),
        fetched(strand, asio::steady_timer::time_point::max()) {}
  asio::strand<asio::any_io_executor> strand;
  http::Client imds;
  // strand only:
  std::string token;
  std::int64_t token_until_ms = 0;
  std::optional<Credentials> credentials;
  std::int64_t refresh_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  bool fetching = false;
  asio::steady_timer fetched;  // never expires; cancelled when a fetch ends, waking those who waited for it
};

InstanceProfileCredentials::InstanceProfileCredentials(asio::any_io_executor executor, std::string endpoint,
                                                       Millis timeout)
    : state_(std::make_shared<State>(std::move(executor), std::move(endpoint), timeout)) {}

InstanceProfileCredentials::~InstanceProfileCredentials() = default;

awaitable<Credentials> InstanceProfileCredentials::get() {
  co_return co_await asio::co_spawn(state_->strand, get_on_strand(), use_awaitable);
}

void InstanceProfileCredentials::invalidate() {
  asio::post(state_->strand, [state = state_] { state->refresh_at_ms = 0; });
}

awaitable<Credentials> InstanceProfileCredentials::get_on_strand() {
  // A coroutine on a strand gives the strand up while it waits for I/O, so a
  // second caller could start a second fetch: it waits for the first instead.
  while (state_->fetching) {
    co_await state_->fetched.async_wait(asio::as_tuple(use_awaitable));
  }
  if (state_->credentials && now_ms() < state_->refresh_at_ms) co_return *state_->credentials;
  state_->fetching = true;
  std::exception_ptr failure;
  try {
    co_await refresh();
  } catch (...) {
    failure = std::current_exception();
  }
  state_->fetching = false;
  state_->fetched.cancel();
  if (failure) {
    // Credentials that have not expired yet still sign: keep using them while
    // the metadata service is unreachable, and try again on the next call.
    if (!state_->credentials || now_ms() >= state_->expires_at_ms) std::rethrow_exception(failure);
    log::warn(
        "aws credentials: refreshing from the instance profile failed; using the current ones until they "
        "expire",
        {{"expiresAt", format_rfc3339_ms(state_->expires_at_ms)}});
  }
  co_return *state_->credentials;
}

awaitable<std::string> InstanceProfileCredentials::session_token() {
  if (!state_->token.empty() && now_ms() < state_->token_until_ms) co_return state_->token;
  http::OutboundRequest put;
  put.method = "PUT";
  put.target = "/latest/api/token";
  put.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", std::to_string(kTokenTtlSeconds)}};
  const auto r = co_await state_->imds.send(put);
  require_ok(r, "the session token request");
  state_->token = r.body;
  state_->token_until_ms = now_ms() + (kTokenTtlSeconds - 60) * 1000;
  co_return state_->token;
}

awaitable<http::ClientResponse> InstanceProfileCredentials::metadata(std::string target) {
  for (int attempt = 1;; ++attempt) {
    const auto token = co_await session_token();
    http::OutboundRequest get;
    get.method = "GET";
    get.target = target;
    get.headers = {{"X-aws-ec2-metadata-token", token}};
    auto r = co_await state_->imds.send(get);
    // 401: the service no longer knows the token (it restarted, or the token
    // expired early): one more try with a new one.
    if (r.status != 401 || attempt > 1) co_return r;
    state_->token.clear();
  }
}

awaitable<void> InstanceProfileCredentials::refresh() {
  const std::string roles_path = kCredentialsPath;
  const auto roles = co_await metadata(roles_path);
  require_ok(roles, "the role list");
  const auto role = roles.body.substr(0, roles.body.find('\n'));
  if (role.empty()) throw UnavailableError("this instance has no instance profile role");
  const auto answer = co_await metadata(roles_path + role);
  require_ok(answer, "the credentials request");
  boost::system::error_code ec;
  const auto value = boost::json::parse(answer.body, ec);
  if (ec || !value.is_object()) throw UnavailableError("instance metadata credentials are not JSON");
  const auto& o = value.get_object();
  Credentials c{.access_key_id = field(o, "AccessKeyId"),
                .secret_access_key = field(o, "SecretAccessKey"),
                .session_token = field(o, "Token")};
  const auto expires = parse_rfc3339_ms(field(o, "Expiration"));
  if (!expires) throw UnavailableError("instance metadata credentials with a malformed Expiration");
  state_->credentials = std::move(c);
  state_->expires_at_ms = *expires;
  state_->refresh_at_ms = *expires - kRefreshBeforeMs;
  log::info("aws credentials from the instance profile", {{"role", role}, {"expiration", field(o, "Expiration")}});
}

std::unique_ptr<CredentialsProvider> make_credentials_provider(asio::any_io_executor executor,
                                                               const config::Values& config) {
  if (config.has("AWS_ACCESS_KEY_ID")) {
    if (!config.has("AWS_SECRET_ACCESS_KEY")) {
      throw config::ConfigError("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    }
    return std::make_unique<StaticCredentials>(Credentials{.access_key_id = config.str("AWS_ACCESS_KEY_ID"),
                                                           .secret_access_key = config.str("AWS_SECRET_ACCESS_KEY"),
                                                           .session_token = config.str("AWS_SESSION_TOKEN")});
  }
  if (config.flag("AWS_EC2_METADATA_DISABLED")) {
    throw config::ConfigError(
        "no AWS credentials: set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or allow the "
        "instance metadata service");
  }
  return std::make_unique<InstanceProfileCredentials>(std::move(executor),
                                                      config.str("AWS_EC2_METADATA_SERVICE_ENDPOINT"));
}

}  // namespace uitgo::aws
