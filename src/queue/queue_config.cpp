#include "queue/queue_config.hpp"

#include "core/aws/credentials.hpp"
#include "queue/sqs/sqs_queue.hpp"

#include <unistd.h>

#include <array>
#include <stdexcept>

namespace uitgo::queue {

config::Spec queue_spec() {
  config::Spec s;
  s.choice("MATCH_QUEUE", "redis", {"redis", "sqs"},
           "matching queue backend: redis (Redis Stream + consumer group) or sqs (Amazon SQS, SQS_QUEUE_URL)")
      .string("MATCH_STREAM", "trip:match",
              "Redis key of the matching stream; <key>:delayed holds retry delays, <key>:dlq is the dead-letter stream")
      .string("MATCH_GROUP", "matchers", "consumer group of the matcher workers on MATCH_STREAM")
      .integer("MATCH_VISIBILITY_TIMEOUT_MS", 30000, 100, 43200000,
               "a message received but not acknowledged within this time is delivered again (to any worker)")
      .integer("MATCH_MAX_DELIVERIES", 5, 1, 1000,
               "deliveries of one message before it moves to the dead-letter stream")
      .integer("MATCH_DEADLINE_SECONDS", 120, 1, 86400,
               "a trip without a driver after this long is cancelled with reason no_driver (by the matcher, or by "
               "trip-service's sweep when no matcher sees it)")
      .string("SQS_QUEUE_URL", "", "MATCH_QUEUE=sqs: URL of the matching queue (trip_match_queue)")
      .string("SQS_DLQ_URL", "",
              "MATCH_QUEUE=sqs: URL of its dead-letter queue (explicit dead letters, `uitgo match-dlq`, DLQ depth)")
      .string("SQS_ENDPOINT", "", "MATCH_QUEUE=sqs: endpoint override (emulators), e.g. http://127.0.0.1:4566")
      .integer("SQS_TIMEOUT_MS", 5000, 100, 120000,
               "deadline of one SQS call, retries included (a long poll adds its wait)");
  s.merge(aws::aws_spec());
  return s;
}

QueueSettings QueueSettings::from(const config::Values& config) {
  QueueSettings s;
  s.backend = config.str("MATCH_QUEUE");
  if (s.backend == "sqs") {
    s.sqs_queue_url = config.str("SQS_QUEUE_URL");
    if (s.sqs_queue_url.empty()) throw config::ConfigError("MATCH_QUEUE=sqs needs SQS_QUEUE_URL");
    s.sqs_dlq_url = config.str("SQS_DLQ_URL");
    try {
      s.sqs_endpoint = config.has("SQS_ENDPOINT") ? config.str("SQS_ENDPOINT") : sqs::endpoint_of(s.sqs_queue_url);
    } catch (const std::invalid_argument& e) {
      throw config::ConfigError(std::string("SQS_QUEUE_URL: ") + e.what());
    }
    s.aws_region = config.str("AWS_REGION");
    s.sqs_timeout = config.millis("SQS_TIMEOUT_MS");
  }
  s.stream = config.str("MATCH_STREAM");
  s.group = config.str("MATCH_GROUP");
  if (s.stream.empty()) throw config::ConfigError("MATCH_STREAM must not be empty");
  if (s.group.empty()) throw config::ConfigError("MATCH_GROUP must not be empty");
  s.visibility_timeout = config.millis("MATCH_VISIBILITY_TIMEOUT_MS");
  s.max_deliveries = static_cast<int>(config.integer("MATCH_MAX_DELIVERIES"));
  try {
    s.connection = redis::Options::from_url(config.str("REDIS_URL"));
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError(std::string("REDIS_URL: ") + e.what());
  }
  s.connection.command_timeout = config.millis("REDIS_TIMEOUT_MS");
  return s;
}

std::unique_ptr<RedisStreamQueue> make_redis_queue(asio::any_io_executor executor, redis::Client& shared,
                                                   const QueueSettings& settings, std::string consumer,
                                                   metrics::Registry* metrics) {
  return std::make_unique<RedisStreamQueue>(std::move(executor), shared, settings.connection,
                                            RedisQueueOptions{.stream = settings.stream,
                                                              .group = settings.group,
                                                              .consumer = std::move(consumer),
                                                              .visibility_timeout = settings.visibility_timeout,
                                                              .max_deliveries = settings.max_deliveries,
                                                              .command_timeout = settings.connection.command_timeout,
                                                              .metrics = metrics});
}

struct QueueFactory::Sqs {
  std::shared_ptr<sqs::SqsClient> client;
};

QueueFactory::QueueFactory(asio::any_io_executor executor, redis::Client& shared, const config::Values& config,
                           metrics::Registry* metrics)
    : executor_(std::move(executor)), shared_(shared), settings_(QueueSettings::from(config)), metrics_(metrics) {
  if (settings_.backend != "sqs") return;
  std::shared_ptr<aws::CredentialsProvider> credentials = aws::make_credentials_provider(executor_, config);
  sqs_ = std::make_shared<Sqs>();
  sqs_->client = std::make_shared<sqs::SqsClient>(
      executor_,
      sqs::ClientSettings{
          .endpoint = settings_.sqs_endpoint, .region = settings_.aws_region, .timeout = settings_.sqs_timeout},
      std::move(credentials));
}

QueueFactory::~QueueFactory() = default;

namespace {

sqs::SqsQueueOptions sqs_options(const QueueSettings& s, metrics::Registry* metrics) {
  return {.queue_url = s.sqs_queue_url,
          .dlq_url = s.sqs_dlq_url,
          .visibility_timeout = s.visibility_timeout,
          .max_deliveries = s.max_deliveries,
          .metrics = metrics};
}

}  // namespace

std::unique_ptr<MatchQueue> QueueFactory::make(std::string consumer) const {
  if (!sqs_) return make_redis_queue(executor_, shared_, settings_, std::move(consumer), metrics_);
  return std::make_unique<sqs::SqsQueue>(sqs_->client, sqs_options(settings_, metrics_));
}

std::unique_ptr<DeadLetterQueue> QueueFactory::dead_letters() const {
  if (!sqs_) return make_redis_queue(executor_, shared_, settings_, "", metrics_);
  return std::make_unique<sqs::SqsQueue>(sqs_->client, sqs_options(settings_, metrics_));
}

std::string consumer_name(std::string_view suffix) {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::string name = host[0] != '\0' ? std::string(host.data()) : "host";
  name += "-" + std::to_string(::getpid());
  if (!suffix.empty()) name += "-" + std::string(suffix);
  return name;
}

void export_stats(const QueueStats& stats, metrics::Registry& registry) {
  registry.gauge("match_queue_depth", "matching queue messages waiting, in flight or delayed")
      .set(static_cast<double>(stats.depth));
  registry.gauge("match_queue_in_flight", "matching queue messages delivered and not yet acknowledged")
      .set(static_cast<double>(stats.in_flight));
  registry.gauge("match_queue_delayed", "matching queue messages waiting for a retry delay")
      .set(static_cast<double>(stats.delayed));
  registry.gauge("match_queue_oldest_age_seconds", "age of the oldest waiting or in-flight matching message")
      .set(static_cast<double>(stats.oldest_age_ms) / 1000.0);
  registry.gauge("match_queue_dead_letter_depth", "messages in the matching dead-letter queue")
      .set(static_cast<double>(stats.dead_letter_depth));
}

}  // namespace uitgo::queue
