// Building the configured MatchQueue from environment variables, and the
// queue gauges every process that watches the queue exports.
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
// MATCH_MAX_DELIVERIES, and MATCH_DEADLINE_SECONDS (the matching rule both
// trip-service and the matchers apply). Merge together with service::redis_spec().
config::Spec queue_spec();

struct QueueSettings {
  std::string backend = "redis";
  std::string stream = "trip:match";
  std::string group = "matchers";
  Millis visibility_timeout{30000};
  int max_deliveries = 5;
  redis::Options connection;  // from REDIS_URL / REDIS_TIMEOUT_MS
  // Throws config::ConfigError for MATCH_QUEUE=sqs (not built yet) or a bad REDIS_URL.
  static QueueSettings from(const config::Values& config);
};

// The Redis Streams queue for one consumer (`consumer` may be empty for a
// producer-only instance). `shared` must outlive the queue.
std::unique_ptr<RedisStreamQueue> make_redis_queue(asio::any_io_executor executor, redis::Client& shared,
                                                   const QueueSettings& settings, std::string consumer,
                                                   metrics::Registry* metrics = nullptr);
// The configured backend behind the MatchQueue interface.
std::unique_ptr<MatchQueue> make_queue(asio::any_io_executor executor, redis::Client& shared,
                                       const QueueSettings& settings, std::string consumer,
                                       metrics::Registry* metrics = nullptr);

// "<host>-<pid>-<suffix>": unique per process and worker, readable in XINFO.
std::string consumer_name(std::string_view suffix);

// Sets match_queue_depth, match_queue_in_flight, match_queue_delayed,
// match_queue_oldest_age_seconds and match_queue_dead_letter_depth.
void export_stats(const QueueStats& stats, metrics::Registry& registry);

}  // namespace uitgo::queue
