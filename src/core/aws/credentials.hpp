// Where AWS credentials come from, as the AWS SDKs look for them: the standard
// environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, for
// temporary credentials, AWS_SESSION_TOKEN), or else, on EC2, the instance
// profile through IMDSv2:
//
//   PUT  /latest/api/token                                (X-aws-ec2-metadata-token-ttl-seconds)
//   GET  /latest/meta-data/iam/security-credentials/      → the role name
//   GET  /latest/meta-data/iam/security-credentials/ROLE  → {AccessKeyId, SecretAccessKey, Token, Expiration}
//
// (both GETs with X-aws-ec2-metadata-token). Instance-profile credentials are
// cached and fetched again kRefreshBefore their Expiration; the session
// token of IMDSv2 is reused until shortly before its own TTL, and replaced
// once when the service answers 401. Concurrent callers share one fetch. A
// failed refresh keeps the current credentials while they have not expired.
// Every call has a deadline.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/aws/sigv4.hpp"
#include "core/base/async.hpp"
#include "core/base/config.hpp"
#include "core/http/client.hpp"

namespace uitgo::aws {

// AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
// AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_EC2_METADATA_DISABLED.
config::Spec aws_spec();

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Throws UnavailableError when no credentials can be had.
  virtual awaitable<Credentials> get() = 0;
  // The credentials were refused (expired early, rotated): fetch again next time.
  virtual void invalidate() {}
};

class StaticCredentials final : public CredentialsProvider {
 public:
  explicit StaticCredentials(Credentials credentials) : credentials_(std::move(credentials)) {}
  awaitable<Credentials> get() override { co_return credentials_; }

 private:
  Credentials credentials_;
};

class InstanceProfileCredentials final : public CredentialsProvider {
 public:
  InstanceProfileCredentials(asio::any_io_executor executor, std::string endpoint, Millis timeout = Millis(2000));
  ~InstanceProfileCredentials() override;

  awaitable<Credentials> get() override;
  void invalidate() override;

 private:
  struct State;
  awaitable<Credentials> get_on_strand();
  awaitable<std::string> session_token();
  // GET from the metadata service with the session token (a new token once on 401).
  awaitable<http::ClientResponse> metadata(std::string target);
  awaitable<void> refresh();

  std::shared_ptr<State> state_;
};

// Environment credentials when AWS_ACCESS_KEY_ID is set, else the instance
// profile unless AWS_EC2_METADATA_DISABLED.
std::unique_ptr<CredentialsProvider> make_credentials_provider(asio::any_io_executor executor,
                                                               const config::Values& config);

}  // namespace uitgo::aws
