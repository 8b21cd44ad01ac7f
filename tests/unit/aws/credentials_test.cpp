// Where AWS credentials come from: the environment, or the EC2 instance
// profile over IMDSv2, here against a small fake metadata service on
// 127.0.0.1:0 (one Beast request per connection) that records every request.
#include "core/aws/credentials.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/base/errors.hpp"
#include "core/base/time.hpp"

namespace uitgo::aws {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct SeenRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-case
};

// IMDSv2 as EC2 answers it: a session token from PUT /latest/api/token, then
// the role and its credentials with that token, 401 without it.
class FakeImds {
 public:
  explicit FakeImds(asio::io_context& io) : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    asio::co_spawn(io, accept_loop(), asio::detached);
  }

  void forget_tokens() {
    std::lock_guard lock(mutex_);
    token_ = "forgotten";
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }
  void close() { acceptor_.close(); }

  std::vector<SeenRequest> requests() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  int count(const std::string& method, const std::string& target) const {
    int n = 0;
    for (const auto& r : requests()) n += r.method == method && r.target == target ? 1 : 0;
    return n;
  }

  // What the service answers (set before the requests that need it).
  std::string role = "uitgo-backend";
  std::int64_t expires_at_ms = now_ms() + 3'600'000;
  std::atomic<int> issued_credentials{0};
  std::atomic<int> issued_tokens{0};
  std::chrono::milliseconds credentials_delay{0};

 private:
  awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(use_awaitable));
      if (ec) co_return;
      asio::co_spawn(acceptor_.get_executor(), serve(std::move(socket)), asio::detached);
    }
  }

  awaitable<void> serve(tcp::socket socket) {
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      auto [ec, n] = co_await bhttp::async_read(socket, buffer, req, asio::as_tuple(use_awaitable));
      if (ec) co_return;
      SeenRequest seen{std::string(req.method_string()), std::string(req.target()), {}};
      for (const auto& field : req) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        seen.headers[name] = std::string(field.value());
      }
      {
        std::lock_guard lock(mutex_);
        seen_.push_back(seen);
      }
      bhttp::response<bhttp::string_body> res;
      res.version(11);
      res.keep_alive(req.keep_alive());
      if (credentials_delay.count() > 0 && seen.target == std::string(kRolePath) + role) {
        asio::steady_timer pause(socket.get_executor(), credentials_delay);
        co_await pause.async_wait(use_awaitable);
      }
      answer(seen, res);
      res.prepare_payload();
      auto [wec, w] = co_await bhttp::async_write(socket, res, asio::as_tuple(use_awaitable));
      if (wec || !req.keep_alive()) co_return;
    }
  }

  static constexpr const char* kRolePath = "/latest/meta-data/iam/security-credentials/";

  void answer(const SeenRequest& r, bhttp::response<bhttp::string_body>& res) {
    res.result(bhttp::status::ok);
    if (r.method == "PUT" && r.target == "/latest/api/token") {
      if (!r.headers.contains("x-aws-ec2-metadata-token-ttl-seconds")) {
        res.result(bhttp::status::bad_request);
        return;
      }
      std::lock_guard lock(mutex_);
      token_ = "token-" + std::to_string(++issued_tokens);
      res.body() = token_;
      return;
    }
    const auto token = r.headers.find("x-aws-ec2-metadata-token");
    std::string current;
    {
      std::lock_guard lock(mutex_);
      current = token_;
    }
    if (r.method != "GET" || token == r.headers.end() || token->second != current) {
      res.result(bhttp::status::unauthorized);
      return;
    }
    if (r.target == kRolePath) {
      res.body() = role.empty() ? "" : role + "\n";
      if (role.empty()) res.result(bhttp::status::not_found);
      return;
    }
    if (!role.empty() && r.target == std::string(kRolePath) + role) {
      const int n = ++issued_credentials;
      res.body() = R"({"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIA-)" + std::to_string(n) +
                   R"(","SecretAccessKey":"secret-)" + std::to_string(n) + R"(","Token":"session-)" +
                   std::to_string(n) + R"(","Expiration":")" + format_rfc3339_ms(expires_at_ms) + R"("})";
      return;
    }
    res.result(bhttp::status::not_found);
  }

  tcp::acceptor acceptor_;
  mutable std::mutex mutex_;
  std::vector<SeenRequest> seen_;
  std::string token_;
};

class InstanceProfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    imds_.emplace(io_);
    thread_ = std::thread([this] { io_.run(); });
    provider_ = std::make_unique<InstanceProfileCredentials>(io_.get_executor(), imds_->endpoint(), Millis(2000));
  }
  void TearDown() override {
    provider_.reset();
    asio::post(io_, [this] { imds_->close(); });
    work_.reset();
    io_.stop();
    thread_.join();
  }

  Credentials get() { return asio::co_spawn(io_, provider_->get(), asio::use_future).get(); }

  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{std::in_place, io_.get_executor()};
  std::optional<FakeImds> imds_;
  std::thread thread_;
  std::unique_ptr<InstanceProfileCredentials> provider_;
};

TEST_F(InstanceProfileTest, FetchesTheRoleCredentialsWithASessionToken) {
  const auto c = get();
  EXPECT_EQ(c.access_key_id, "ASIA-1");
  EXPECT_EQ(c.secret_access_key, "secret-1");
  EXPECT_EQ(c.session_token, "session-1");
  const auto seen = imds_->requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].method, "PUT");
  EXPECT_EQ(seen[0].target, "/latest/api/token");
  EXPECT_EQ(seen[0].headers.at("x-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(seen[1].method, "GET");
  EXPECT_EQ(seen[1].target, "/latest/meta-data/iam/security-credentials/");
  EXPECT_EQ(seen[1].headers.at("x-aws-ec2-metadata-token"), "token-1");
  EXPECT_EQ(seen[2].target, "/latest/meta-data/iam/security-credentials/uitgo-backend");
  EXPECT_EQ(seen[2].headers.at("x-aws-ec2-metadata-token"), "token-1");
}

TEST_F(InstanceProfileTest, CachesCredentialsUntilShortlyBeforeTheyExpire) {
  imds_->expires_at_ms = now_ms() + 3'600'000;  // an hour: kept
  EXPECT_EQ(get().access_key_id, "ASIA-1");
  EXPECT_EQ(get().access_key_id, "ASIA-1");
  EXPECT_EQ(imds_->issued_credentials, 1);
  // Credentials that expire within the refresh margin (5 minutes) are fetched
  // again on every use until fresh ones come; the session token is reused.
  provider_->invalidate();
  imds_->expires_at_ms = now_ms() + 4 * 60'000;
  EXPECT_EQ(get().access_key_id, "ASIA-2");
  EXPECT_EQ(get().access_key_id, "ASIA-3");
  imds_->expires_at_ms = now_ms() + 3'600'000;
  EXPECT_EQ(get().access_key_id, "ASIA-4");
  EXPECT_EQ(get().access_key_id, "ASIA-4");
  EXPECT_EQ(imds_->issued_tokens, 1) << "the IMDSv2 session token lasts six hours";
}

TEST_F(InstanceProfileTest, InvalidateFetchesAgainOnTheNextUse) {
  EXPECT_EQ(get().access_key_id, "ASIA-1");
  provider_->invalidate();
  EXPECT_EQ(get().access_key_id, "ASIA-2");
  EXPECT_EQ(get().access_key_id, "ASIA-2");
}

TEST_F(InstanceProfileTest, ConcurrentCallersShareOneFetch) {
  imds_->credentials_delay = std::chrono::milliseconds(200);
  std::vector<std::future<Credentials>> pending;
  for (int i = 0; i < 5; ++i) pending.push_back(asio::co_spawn(io_, provider_->get(), asio::use_future));
  for (auto& p : pending) EXPECT_EQ(p.get().access_key_id, "ASIA-1");
  EXPECT_EQ(imds_->issued_credentials, 1);
}

TEST_F(InstanceProfileTest, ARejectedSessionTokenIsReplacedOnce) {
  EXPECT_EQ(get().access_key_id, "ASIA-1");
  // The metadata service no longer knows our token (e.g. it restarted): the
  // next fetch gets a 401, asks for a new token and tries again with it.
  imds_->forget_tokens();
  provider_->invalidate();
  EXPECT_EQ(get().access_key_id, "ASIA-2");
  EXPECT_EQ(imds_->issued_tokens, 2);
  EXPECT_EQ(imds_->requests().back().headers.at("x-aws-ec2-metadata-token"), "token-2");
}

TEST_F(InstanceProfileTest, NoRoleIsUnavailable) {
  imds_->role = "";
  EXPECT_THROW(get(), UnavailableError);
}

TEST_F(InstanceProfileTest, AnUnreachableServiceIsUnavailableWithinTheDeadline) {
  imds_->close();
  const auto started = std::chrono::steady_clock::now();
  EXPECT_ANY_THROW(get());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

config::EnvLookup env(std::map<std::string, std::string> values) {
  return [values](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

Credentials from_env(std::map<std::string, std::string> values) {
  asio::io_context io;
  const auto config = aws_spec().load(env(std::move(values)));
  auto provider = make_credentials_provider(io.get_executor(), config);
  auto f = asio::co_spawn(io, provider->get(), asio::use_future);
  io.run();
  return f.get();
}

TEST(CredentialsFromEnvironment, StaticKeysWithAndWithoutSessionToken) {
  auto c = from_env({{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "secret"}});
  EXPECT_EQ(c.access_key_id, "AKID");
  EXPECT_EQ(c.secret_access_key, "secret");
  EXPECT_EQ(c.session_token, "");
  c = from_env({{"AWS_ACCESS_KEY_ID", "ASIA"}, {"AWS_SECRET_ACCESS_KEY", "s"}, {"AWS_SESSION_TOKEN", "tok"}});
  EXPECT_EQ(c.session_token, "tok");
}

TEST(CredentialsFromEnvironment, AKeyWithoutItsSecretIsAConfigError) {
  EXPECT_THROW(from_env({{"AWS_ACCESS_KEY_ID", "AKID"}}), config::ConfigError);
}

TEST(CredentialsFromEnvironment, NoKeysAndNoMetadataServiceIsAConfigError) {
  EXPECT_THROW(from_env({{"AWS_EC2_METADATA_DISABLED", "true"}}), config::ConfigError);
}

}  // namespace
}  // namespace uitgo::aws
