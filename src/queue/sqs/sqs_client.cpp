#include "queue/sqs/sqs_client.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <random>

#include "core/base/errors.hpp"
#include "core/base/log.hpp"
#include "core/base/time.hpp"

namespace uitgo::queue::sqs {
namespace {

constexpr Millis kBackoffBase{50};
constexpr Millis kBackoffMax{1000};

// "com.amazonaws.sqs#QueueDoesNotExist" → "QueueDoesNotExist".
std::string short_type(std::string_view type) {
  const auto hash = type.rfind('#');
  return std::string(hash == std::string_view::npos ? type : type.substr(hash + 1));
}

SqsError error_of(const http::ClientResponse& r) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(r.body, ec);
  std::string type = "HttpError" + std::to_string(r.status);
  std::string message = r.body.substr(0, 200);
  if (!ec && value.is_object()) {
    const auto& o = value.get_object();
    if (const auto* t = o.if_contains("__type"); t != nullptr && t->is_string()) type = short_type(t->get_string());
    for (const char* key : {"message", "Message"}) {
      if (const auto* m = o.if_contains(key); m != nullptr && m->is_string()) message = std::string(m->get_string());
    }
  }
  return {r.status, type, message};
}

bool retryable(const SqsError& e) {
  return e.status() >= 500 || e.type().find("Throttl") != std::string::npos || e.type() == "RequestThrottled" ||
         e.type() == "ServiceUnavailable" || e.type() == "InternalFailure";
}

bool credentials_refused(const SqsError& e) {
  return e.status() == 403 && (e.type() == "ExpiredToken" || e.type() == "InvalidClientTokenId" ||
                               e.type() == "UnrecognizedClientException" || e.type() == "SignatureDoesNotMatch");
}

Millis backoff(int attempt) {
  thread_local std::mt19937 rng{std::random_device{}()};
  auto cap = kBackoffBase;
  for (int i = 1; i < attempt && cap < kBackoffMax; ++i) cap *= 2;
  std::uniform_int_distribution<std::int64_t> jitter(0, std::min(cap, kBackoffMax).count());  // full jitter
  return Millis(jitter(rng));
}

}  // namespace

std::string endpoint_of(const std::string& queue_url) {
  const auto scheme = queue_url.find("://");
  if (scheme == std::string::npos) throw std::invalid_argument("not a queue URL: " + queue_url);
  const auto path = queue_url.find('/', scheme + 3);
  return path == std::string::npos ? queue_url : queue_url.substr(0, path);
}

SqsClient::SqsClient(asio::any_io_executor executor, ClientSettings settings,
                     std::shared_ptr<aws::CredentialsProvider> credentials)
    : settings_(std::move(settings)),
      credentials_(std::move(credentials)),
      http_(std::make_unique<http::Client>(
          std::move(executor),
          http::ClientOptions{.base_url = settings_.endpoint, .timeout = settings_.timeout, .max_idle = 64})) {}

awaitable<http::ClientResponse> SqsClient::attempt(const std::string& action, const std::string& body, Millis timeout) {
  const auto credentials = co_await credentials_->get();
  http::OutboundRequest request;
  request.method = "POST";
  request.target = "/";
  request.body = body;
  request.content_type = "application/x-amz-json-1.0";
  request.timeout = timeout;
  request.headers = {{"X-Amz-Target", "AmazonSQS." + action}};
  const aws::SigningInput input{.method = "POST",
                                .path = "/",
                                .query = {},
                                .headers = {{"Host", http_->host_header()},
                                            {"Content-Type", request.content_type},
                                            {"X-Amz-Target", "AmazonSQS." + action}},
                                .payload = body};
  const auto signature = aws::sign(input, credentials, {settings_.region, "sqs"}, now_ms() / 1000);
  request.headers.insert(request.headers.end(), signature.headers.begin(), signature.headers.end());
  co_return co_await http_->send(request);
}

awaitable<boost::json::object> SqsClient::call(std::string_view action_name, const boost::json::object& request,
                                               Millis extra) {
  const std::string action(action_name);
  const auto body = boost::json::serialize(request);
  const auto deadline = Clock::now() + settings_.timeout + extra;
  bool refetched_credentials = false;
  for (int attempt_no = 1;; ++attempt_no) {
    const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
    if (left <= Millis(0)) throw TimeoutError("sqs " + action + " timed out");
    std::optional<SqsError> error;
    std::string failure;
    try {
      const auto r = co_await attempt(action, body, left);
      if (r.status == 200) {
        boost::system::error_code ec;
        auto value = boost::json::parse(r.body.empty() ? std::string("{}") : r.body, ec);
        if (ec || !value.is_object()) throw UnavailableError("sqs " + action + ": the answer is not a JSON object");
        co_return std::move(value.as_object());
      }
      error = error_of(r);
    } catch (const TimeoutError&) {
      throw;
    } catch (const UnavailableError& e) {
      failure = e.what();  // connection refused or reset: retried like a 5xx
    }
    if (error && credentials_refused(*error) && !refetched_credentials) {
      refetched_credentials = true;
      credentials_->invalidate();
      continue;
    }
    if (error && !retryable(*error)) throw *error;
    if (attempt_no >= settings_.max_attempts) {
      if (error) throw *error;
      throw UnavailableError("sqs " + action + ": " + failure);
    }
    asio::steady_timer pause(co_await asio::this_coro::executor, backoff(attempt_no));
    co_await pause.async_wait(use_awaitable);
  }
}

}  // namespace uitgo::queue::sqs
