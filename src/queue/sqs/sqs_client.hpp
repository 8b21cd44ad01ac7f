// Amazon SQS's JSON 1.0 protocol over the project's HTTP client:
//
//   POST /   Content-Type: application/x-amz-json-1.0
//            X-Amz-Target: AmazonSQS.<Action>     body: the action's JSON
//
// every request signed with SigV4 (service sqs, AWS_REGION; session tokens
// included), on keep-alive connections, with a deadline per call. Throttling
// and 5xx answers (and connection failures) are retried with jittered
// exponential backoff within the call's deadline; refused credentials are
// fetched again once. Other errors surface as SqsError carrying AWS's error
// type (e.g. ReceiptHandleIsInvalid), so callers can tell them apart.
#pragma once

#include <boost/json/object.hpp>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/aws/credentials.hpp"
#include "core/base/async.hpp"
#include "core/http/client.hpp"

namespace uitgo::queue::sqs {

class SqsError : public std::runtime_error {
 public:
  SqsError(int status, std::string type, const std::string& message)
      : std::runtime_error(type + ": " + message), status_(status), type_(std::move(type)) {}
  int status() const { return status_; }
  // The error type without its namespace, e.g. "QueueDoesNotExist".
  const std::string& type() const { return type_; }

 private:
  int status_;
  std::string type_;
};

struct ClientSettings {
  std::string endpoint;  // https://sqs.<region>.amazonaws.com, or an emulator's http://host:port
  std::string region = "us-east-1";
  Millis timeout{5000};  // per call, retries included (long polls add their wait)
  int max_attempts = 4;
};

class SqsClient {
 public:
  SqsClient(asio::any_io_executor executor, ClientSettings settings,
            std::shared_ptr<aws::CredentialsProvider> credentials);

  // Runs `action` (e.g. "SendMessage") and returns its JSON answer. `extra`
  // lengthens this call's deadline (a long poll's wait). `action` must
  // outlive the call: pass a literal (a string_view is no temporary that
  // GCC 12 could destroy twice inside co_await).
  awaitable<boost::json::object> call(std::string_view action, const boost::json::object& request,
                                      Millis extra = Millis(0));

 private:
  awaitable<http::ClientResponse> attempt(const std::string& action, const std::string& body, Millis timeout);

  ClientSettings settings_;
  std::shared_ptr<aws::CredentialsProvider> credentials_;
  std::unique_ptr<http::Client> http_;
};

// The endpoint of a queue URL (https://sqs.us-east-1.amazonaws.com/1234/q → https://sqs.us-east-1.amazonaws.com).
std::string endpoint_of(const std::string& queue_url);

}  // namespace uitgo::queue::sqs
