// Building the configured MatchQueue (Redis Streams or SQS) from environment
// variables, and the queue gauges every process that watches the queue exports.
#pragma once

#include <memory>
#include <string>

#include "core/base/config.hpp"
#include "core/base/metrics.hpp"
#include "core/redis/client.hpp"
#include "queue/match_queue.hpp"
#include "queue/redis_stream_queue.hpp"

namespace uitgo::queue {

// MATCH_QUEUE, MATCH_STREAM, MATCH_GROUP, MATCH_VISIBILITY_TIMEOUT_MS,
// MATCH_MAX_DELIVERIES, MATCH_DEADLINE_SECONDS (the matching rule both
// trip-service and the matchers apply), SQS_QUEUE_URL, SQS_DLQ_URL,
// SQS_ENDPOINT, SQS_TIMEOUT_MS and the AWS_* variables (aws::aws_spec()).
// Merge together with service::redis_spec().
config::Spec queue_spec();

struct QueueSettings {
  std::string backend = "redis";  // redis | sqs
  std::string stream = "trip:match";
  std::string group = "matchers";
  Millis visibility_timeout{30000};
  int max_deliveries = 5;
  redis::Options connection;  // from REDIS_URL / REDIS_TIMEOUT_MS
  std::string sqs_queue_url;
  std::string sqs_dlq_url;
  std::string sqs_endpoint;  // SQS_ENDPOINT, else the queue URL's scheme and host
  std::string aws_region = "us-east-1";
  Millis sqs_timeout{5000};
  // Throws config::ConfigError for a bad REDIS_URL, or MATCH_QUEUE=sqs without SQS_QUEUE_URL.
  static QueueSettings from(const config::Values& config);
};

// The queues of one process: every consumer (matcher worker) gets its own
// instance; the SQS client and its credentials are shared.
class QueueFactory {
 public:
  // `shared` and `metrics` (may be null) must outlive the factory and its queues.
  QueueFactory(asio::any_io_executor executor, redis::Client& shared, const config::Values& config,
               metrics::Registry* metrics);
  ~QueueFactory();

  // A queue for `consumer` (empty: publish and stats only).
  std::unique_ptr<MatchQueue> make(std::string consumer) const;
  // The dead-letter tools of the configured backend.
  std::unique_ptr<DeadLetterQueue> dead_letters() const;
  const QueueSettings& settings() const { return settings_; }

 private:
  struct Sqs;
  asio::any_io_executor executor_;
  redis::Client& shared_;
  QueueSettings settings_;
  metrics::Registry* metrics_;
  std::shared_ptr<Sqs> sqs_;
};

// The Redis Streams queue for one consumer (`consumer` may be empty for a
// producer-only instance). `shared` must outlive the queue.
std::unique_ptr<RedisStreamQueue> make_redis_queue(asio::any_io_executor executor, redis::Client& shared,
                                                   const QueueSettings& settings, std::string consumer,
                                                   metrics::Registry* metrics = nullptr);

// "<host>-<pid>-<suffix>": unique per process and worker, readable in XINFO.
std::string consumer_name(std::string_view suffix);

// Sets match_queue_depth, match_queue_in_flight, match_queue_delayed,
// match_queue_oldest_age_seconds and match_queue_dead_letter_depth.
void export_stats(const QueueStats& stats, metrics::Registry& registry);

}  // namespace uitgo::queue
