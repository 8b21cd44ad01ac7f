#include "queue/dlq_command.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <iostream>

#include "core/base/json_text.hpp"
#include "core/base/log.hpp"
#include "core/service/dependencies.hpp"
#include "queue/queue_config.hpp"

namespace uitgo::queue {
namespace {

constexpr const char* kUsage =
    "usage: uitgo match-dlq list [--limit N]     one JSON line per dead letter, oldest first (default 100)\n"
    "       uitgo match-dlq replay ID [ID...]    move these dead letters back onto the matching stream\n"
    "       uitgo match-dlq replay --all         move every dead letter back\n"
    "Works on the configured backend: MATCH_QUEUE=redis (the stream's :dlq) or sqs (SQS_DLQ_URL).\n"
    "A replayed message starts again with a delivery count of 0.\n";

config::Spec spec() {
  auto s = service::redis_spec();
  s.merge(queue_spec());
  s.choice("LOG_LEVEL", "warn", {"debug", "info", "warn", "error"}, "lowest log level written (to stdout)");
  return s;
}

int usage_error(const std::string& problem) {
  std::cerr << "uitgo match-dlq: " << problem << "\n" << kUsage;
  return 2;
}

boost::json::object to_json(const DeadLetter& d) {
  boost::json::object o;
  o["id"] = d.id;
  o["reason"] = d.reason;
  o["deliveries"] = d.deliveries;
  o["origin"] = d.origin;
  o["sentAtMs"] = d.sent_at_ms;
  o["deadAtMs"] = d.dead_at_ms;
  boost::system::error_code ec;
  auto body = boost::json::parse(d.body, ec);
  if (ec) {
    o["body"] = d.body;  // not JSON: shown as the raw text
  } else {
    o["body"] = std::move(body);
  }
  return o;
}

awaitable<int> execute(DeadLetterQueue& q, std::vector<std::string> args) {
  const std::string action = args.front();
  if (action == "list") {
    std::int64_t limit = 100;
    for (std::size_t i = 1; i < args.size(); ++i) {
      if (args[i] == "--limit" && i + 1 < args.size()) {
        try {
          limit = std::stoll(args[++i]);
        } catch (const std::exception&) {
          limit = -1;
        }
        if (limit < 1 || limit > 100000) co_return usage_error("--limit must be between 1 and 100000");
      } else {
        co_return usage_error("unexpected argument '" + args[i] + "'");
      }
    }
    auto letters = co_await q.dead_letters(static_cast<std::size_t>(limit));
    for (const auto& d : letters) std::cout << uitgo::json::to_text(to_json(d)) << "\n";
    std::cerr << "match-dlq: " << letters.size() << " shown from " << q.dead_letter_name() << "\n";
    co_return 0;
  }
  if (action == "replay") {
    const std::vector<std::string> ids(args.begin() + 1, args.end());
    const bool all = std::find(ids.begin(), ids.end(), "--all") != ids.end();
    if (ids.empty()) co_return usage_error("replay needs --all or at least one ID");
    if (all) {
      if (ids.size() > 1) co_return usage_error("--all takes no IDs");
      const auto n = co_await q.replay_all();
      std::cerr << "match-dlq: replayed " << n << " message(s) onto " << q.queue_name() << "\n";
      co_return 0;
    }
    int missing = 0;
    for (const auto& id : ids) {
      std::string new_id;
      try {
        new_id = co_await q.replay(id);
      } catch (const std::exception& e) {
        std::cerr << "match-dlq: " << id << ": " << e.what() << "\n";
        ++missing;
        continue;
      }
      if (new_id.empty()) {
        std::cerr << "match-dlq: " << id << ": not in " << q.dead_letter_name() << "\n";
        ++missing;
      } else {
        std::cout << uitgo::json::to_text(boost::json::object{{"id", id}, {"replayedAs", new_id}}) << "\n";
      }
    }
    co_return missing == 0 ? 0 : 1;
  }
  co_return usage_error("unknown action '" + action + "'");
}

int run(const config::Values& config, const std::vector<std::string>& args) {
  if (args.empty()) return usage_error("an action is required");
  log::init("match-dlq", config.str("LOG_LEVEL"));
  const auto settings = QueueSettings::from(config);
  asio::io_context io;
  int code = 1;
  {
    redis::Client shared(io.get_executor(), settings.connection);
    const QueueFactory queues(io.get_executor(), shared, config, nullptr);
    auto q = queues.dead_letters();
    auto work = execute(*q, args);
    asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, int result) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& failure) {
          std::cerr << "uitgo match-dlq: " << failure.what() << "\n";
        }
        code = 1;
      } else {
        code = result;
      }
      io.stop();
    });
    io.run();
  }
  log::flush();
  return code;
}

}  // namespace

service::Command dlq_command() {
  service::Command c{"match-dlq", "inspect and replay the matching queue's dead-letter stream", spec, nullptr};
  c.run_with_args = run;
  c.usage = kUsage;
  return c;
}

}  // namespace uitgo::queue
