#include "queue/redis_stream_queue.hpp"

#include "core/base/time.hpp"

#include <boost/json/object.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "core/base/json_text.hpp"
#include "core/base/log.hpp"

namespace uitgo::queue {
namespace {

// Every script starts with the same helper: a flat [f1, v1, ...] list as a table.
#define UITGO_LUA_FIELDS                                           \
  "local function fields_of(f)\n"                                  \
  "  local t = {}\n"                                               \
  "  if not f then return t end\n"                                 \
  "  for i = 1, #f, 2 do t[f[i]] = f[i + 1] end\n"                 \
  "  return t\n"                                                   \
  "end\n"                                                          \
  "local function owned(stream, group, consumer, id)\n"            \
  "  local p = redis.call('XPENDING', stream, group, id, id, 1)\n" \
  "  return p[1] ~= nil and p[1][2] == consumer\n"                 \
  "end\n"

// A delayed member back into the stream as a new entry carrying its delivery
// count (a member that cannot be read goes to the dead-letter stream).
#define UITGO_LUA_ENQUEUE_DELAYED                                                                \
  "local function enqueue_delayed(stream, dlq, member, now)\n"                                   \
  "  local ok, m = pcall(cjson.decode, member)\n"                                                \
  "  if ok and type(m) == 'table' and type(m.body) == 'string' then\n"                           \
  "    redis.call('XADD', stream, '*', 'body', m.body, 'sent_at', tostring(m.sent_at or '0'),\n" \
  "               'prior', tostring(m.prior or '0'))\n"                                          \
  "  else\n"                                                                                     \
  "    redis.call('XADD', dlq, '*', 'body', member, 'sent_at', '0', 'deliveries', '0',\n"        \
  "               'reason', 'malformed_delayed_member', 'origin', '', 'dead_at', now)\n"         \
  "  end\n"                                                                                      \
  "end\n"

// KEYS: stream, delayed, dlq. ARGV: now_ms, limit.
// Returns {promoted, next_due_ms or -1}.
const redis::Script kPromote(UITGO_LUA_ENQUEUE_DELAYED R"lua(
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  enqueue_delayed(KEYS[1], KEYS[3], member, ARGV[1])
  redis.call('ZREM', KEYS[2], member)
end
local nxt = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if #nxt == 2 then return {#due, nxt[2]} end
return {#due, '-1'}
)lua");

// One delayed member into the stream now, if it is still delayed (the ZREM
// decides, so a wake and a promotion never both deliver it).
// KEYS: stream, delayed, dlq. ARGV: member, now_ms. Returns 1 woken, 0 not delayed.
const redis::Script kWake(UITGO_LUA_ENQUEUE_DELAYED R"lua(
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return 0 end
enqueue_delayed(KEYS[1], KEYS[3], ARGV[1], ARGV[2])
return 1
)lua");

#undef UITGO_LUA_ENQUEUE_DELAYED

// KEYS: stream, dlq. ARGV: group, consumer, min_idle_ms, cursor, count, max_deliveries, now_ms.
// Returns {next_cursor, {{id, body, sent_at, deliveries}...}, dead_lettered}.
const redis::Script kReclaim(UITGO_LUA_FIELDS R"lua(
local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5])
local out = {}
local dead = 0
local limit = tonumber(ARGV[6])
for _, e in ipairs(r[2]) do
  local id = e[1]
  if e[2] then
    local f = fields_of(e[2])
    local p = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
    local times = 1
    if p[1] then times = tonumber(p[1][4]) or 1 end
    local total = times + (tonumber(f['prior'] or '0') or 0)
    if total > limit then
      redis.call('XADD', KEYS[2], '*', 'body', f['body'] or '', 'sent_at', f['sent_at'] or '0',
                 'deliveries', tostring(total - 1), 'reason', 'max_deliveries', 'origin', id, 'dead_at', ARGV[7])
      redis.call('XACK', KEYS[1], ARGV[1], id)
      redis.call('XDEL', KEYS[1], id)
      dead = dead + 1
    else
      out[#out + 1] = {id, f['body'] or '', f['sent_at'] or '0', tostring(total)}
    end
  else
    redis.call('XACK', KEYS[1], ARGV[1], id)
  end
end
return {r[1], out, dead}
)lua");

// ack and retry_later, for one message or a batch. KEYS: stream, delayed, dlq.
// ARGV: group, consumer, max_deliveries, now_ms, then seven per message: kind ('ack' | 'retry'), id, due_ms, member,
// deliveries, body, sent_at (the last five only matter to a retry). Returns one outcome per message: 0 not ours
// (ignored), 1 acknowledged or delayed, 2 dead-lettered (a retry of a message that already had max_deliveries
// deliveries).
const redis::Script kSettle(UITGO_LUA_FIELDS R"lua(
local out = {}
for a = 4, #ARGV - 1, 7 do
  local id = ARGV[a + 2]
  local result = 0
  if owned(KEYS[1], ARGV[1], ARGV[2], id) then
    result = 1
    if ARGV[a + 1] == 'retry' then
      if tonumber(ARGV[a + 5]) >= tonumber(ARGV[3]) then
        redis.call('XADD', KEYS[3], '*', 'body', ARGV[a + 6], 'sent_at', ARGV[a + 7], 'deliveries', ARGV[a + 5],
                   'reason', 'max_deliveries', 'origin', id, 'dead_at', ARGV[4])
        result = 2
      else
        redis.call('ZADD', KEYS[2], ARGV[a + 3], ARGV[a + 4])
      end
    end
    redis.call('XACK', KEYS[1], ARGV[1], id)
    redis.call('XDEL', KEYS[1], id)
  end
  out[#out + 1] = result
end
return out
)lua");

// KEYS: stream, dlq. ARGV: group, consumer, id, reason, deliveries, now_ms, body, sent_at.
// Returns 1 when moved, 0 when not ours.
const redis::Script kDead(UITGO_LUA_FIELDS R"lua(
if not owned(KEYS[1], ARGV[1], ARGV[2], ARGV[3]) then return 0 end
redis.call('XADD', KEYS[2], '*', 'body', ARGV[7], 'sent_at', ARGV[8], 'deliveries', ARGV[5],
           'reason', ARGV[4], 'origin', ARGV[3], 'dead_at', ARGV[6])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
return 1
)lua");

// KEYS: stream, dlq. ARGV: dlq id. Returns the new entry id, or nil when absent.
const redis::Script kReplay(UITGO_LUA_FIELDS R"lua(
local e = redis.call('XRANGE', KEYS[2], ARGV[1], ARGV[1])
if #e == 0 then return false end
local f = fields_of(e[1][2])
local new = redis.call('XADD', KEYS[1], '*', 'body', f['body'] or '', 'sent_at', f['sent_at'] or '0', 'prior', '0')
redis.call('XDEL', KEYS[2], ARGV[1])
return new
)lua");

#undef UITGO_LUA_FIELDS

bool is_nogroup(const redis::CommandError& e) { return e.code() == "NOGROUP"; }

}  // namespace

namespace detail {

std::int64_t to_int(std::string_view text, std::int64_t fallback) {
  std::int64_t v = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end) return fallback;
  return v;
}

std::int64_t stream_id_ms(std::string_view id) {
  const auto dash = id.find('-');
  return to_int(id.substr(0, dash), 0);
}

std::vector<std::pair<std::string, std::string>> field_pairs(const redis::Reply& flat) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!flat.is_array()) return out;
  const auto& items = flat.as_array();
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    if (!items[i].is_string() || !items[i + 1].is_string()) continue;
    out.emplace_back(items[i].as_string(), items[i + 1].as_string());
  }
  return out;
}

std::string field(const std::vector<std::pair<std::string, std::string>>& fields, std::string_view name) {
  for (const auto& [k, v] : fields) {
    if (k == name) return v;
  }
  return {};
}

std::string delayed_member(const Message& message) {
  boost::json::object o;
  o["id"] = message.id;  // keeps members unique even for equal bodies
  o["body"] = message.body;
  o["sent_at"] = std::to_string(message.sent_at_ms);
  o["prior"] = std::to_string(message.deliveries);
  return uitgo::json::to_text(o);
}

std::optional<Millis> block_time(Millis wait, std::int64_t next_due_in_ms, Millis visibility_timeout) {
  if (wait.count() <= 0) return std::nullopt;
  Millis block = std::min(wait, visibility_timeout);
  if (next_due_in_ms >= 0) block = std::min(block, Millis(next_due_in_ms));
  return std::max(block, Millis(1));
}

Millis reclaim_interval(Millis visibility_timeout) {
  return std::clamp(visibility_timeout / 4, Millis(1), Millis(1000));
}

}  // namespace detail

RedisStreamQueue::RedisStreamQueue(asio::any_io_executor executor, redis::Client& shared, redis::Options connection,
                                   RedisQueueOptions options)
    : shared_(shared),
      blocking_(std::make_unique<redis::Client>(std::move(executor), std::move(connection))),
      options_(std::move(options)) {
  if (options_.max_deliveries < 1) options_.max_deliveries = 1;
}

RedisStreamQueue::~RedisStreamQueue() = default;

void RedisStreamQueue::count_dead(const std::string& reason, std::int64_t n) {
  if (n <= 0) return;
  log::warn("match queue: message(s) moved to the dead-letter queue",
            {{"stream", options_.stream}, {"reason", reason}, {"count", n}});
  if (options_.metrics != nullptr) {
    options_.metrics
        ->counter("match_queue_dead_lettered_total", "messages moved to the dead-letter queue", {{"reason", reason}})
        .inc(static_cast<std::uint64_t>(n));
  }
}

awaitable<void> RedisStreamQueue::ensure_group() {
  if (group_ready_.load()) co_return;
  try {
    co_await shared_.command({"XGROUP", "CREATE", options_.stream, options_.group, "0", "MKSTREAM"},
                             options_.command_timeout);
  } catch (const redis::CommandError& e) {
    if (e.code() != "BUSYGROUP") throw;
  }
  group_ready_.store(true);
}

awaitable<std::string> RedisStreamQueue::publish(std::string body) {
  const auto sent = std::to_string(now_ms());
  auto reply = co_await shared_.command({"XADD", options_.stream, "*", "body", body, "sent_at", sent, "prior", "0"},
                                        options_.command_timeout);
  co_return reply.as_string();
}

// One XADD per body, all in one pipeline (one round trip).
awaitable<std::vector<std::string>> RedisStreamQueue::publish_batch(std::vector<std::string> bodies) {
  const auto sent = std::to_string(now_ms());
  std::vector<redis::Command> batch;
  batch.reserve(bodies.size());
  for (const auto& body : bodies)
    batch.emplace_back("XADD", options_.stream, "*", "body", body, "sent_at", sent, "prior", "0");
  const auto replies = co_await shared_.pipeline(std::move(batch), options_.command_timeout);
  std::vector<std::string> ids(replies.size());
  const redis::Reply* refusal = nullptr;
  for (std::size_t i = 0; i < replies.size(); ++i) {
    if (replies[i].is_error()) {
      refusal = &replies[i];
    } else {
      ids[i] = replies[i].as_string();
    }
  }
  const bool none_sent = std::all_of(ids.begin(), ids.end(), [](const std::string& id) { return id.empty(); });
  if (refusal != nullptr && none_sent) throw redis::CommandError(refusal->error_message());
  co_return ids;
}

awaitable<std::vector<Message>> RedisStreamQueue::read_new(redis::Client& client, std::size_t max,
                                                           std::optional<Millis> block) {
  redis::Command command{"XREADGROUP",      "GROUP", options_.group,
                         options_.consumer, "COUNT", static_cast<std::int64_t>(max)};
  Clock::duration timeout = options_.command_timeout;
  if (block) {
    command.push("BLOCK").push(static_cast<std::int64_t>(block->count()));
    timeout += *block;
  }
  command.push("STREAMS").push(options_.stream).push(">");
  auto reply = co_await client.command(std::move(command), timeout);
  std::vector<Message> out;
  if (reply.is_nil()) co_return out;
  for (const auto& stream : reply.as_array()) {
    const auto& parts = stream.as_array();
    if (parts.size() < 2) continue;
    for (const auto& entry : parts[1].as_array()) {
      const auto& e = entry.as_array();
      if (e.size() < 2) continue;
      const auto fields = detail::field_pairs(e[1]);
      Message m;
      m.id = e[0].as_string();
      m.receipt = m.id;
      m.body = detail::field(fields, "body");
      m.sent_at_ms = detail::to_int(detail::field(fields, "sent_at"), detail::stream_id_ms(m.id));
      m.deliveries = static_cast<int>(detail::to_int(detail::field(fields, "prior"), 0)) + 1;
      out.push_back(std::move(m));
    }
  }
  // Normally impossible (retry_later dead-letters at the limit), but the
  // limit may have been lowered since the message was delayed.
  std::vector<Message> keep;
  for (auto& m : out) {
    if (m.deliveries > options_.max_deliveries) {
      Message over = m;
      over.deliveries -= 1;
      std::string reason = "max_deliveries";
      co_await dead_letter(over, std::move(reason));
    } else {
      keep.push_back(std::move(m));
    }
  }
  co_return keep;
}

awaitable<std::vector<Message>> RedisStreamQueue::receive(std::size_t max, Millis wait) {
  if (options_.consumer.empty()) throw std::logic_error("RedisStreamQueue: a consumer name is needed to receive");
  if (max == 0) max = 1;
  const auto deadline = Clock::now() + wait;
  // One pass per wake-up: the block ends early when a delayed message falls
  // due or an in-flight one may have timed out, and the next pass picks it up.
  for (;;) {
    const auto remaining = std::chrono::duration_cast<Millis>(deadline - Clock::now());
    auto got = co_await receive_once(max, std::max(Millis(0), remaining));
    if (!got.empty() || Clock::now() >= deadline) co_return got;
  }
}

awaitable<std::int64_t> RedisStreamQueue::promote_due() {
  const auto now = now_ms();
  redis::Command keys{options_.stream, delayed_key(), dead_letter_key()};
  redis::Command args{std::to_string(now), std::int64_t{100}};
  auto promoted = co_await shared_.eval(kPromote, std::move(keys), std::move(args), options_.command_timeout);
  const auto& p = promoted.as_array();
  if (p.size() == 2) {
    const double due = p[1].is_integer() ? static_cast<double>(p[1].as_int()) : p[1].as_double();
    if (due >= 0) co_return std::max<std::int64_t>(0, static_cast<std::int64_t>(due) - now);
  }
  co_return -1;
}

awaitable<std::vector<Message>> RedisStreamQueue::reclaim(std::size_t max) {
  std::vector<Message> out;
  std::string cursor;
  {
    std::lock_guard lock(cursor_mutex_);
    cursor = reclaim_cursor_;
  }
  redis::Command keys{options_.stream, dead_letter_key()};
  redis::Command args{options_.group,
                      options_.consumer,
                      static_cast<std::int64_t>(options_.visibility_timeout.count()),
                      cursor,
                      static_cast<std::int64_t>(max),
                      static_cast<std::int64_t>(options_.max_deliveries),
                      std::to_string(now_ms())};
  auto reclaimed = co_await shared_.eval(kReclaim, std::move(keys), std::move(args), options_.command_timeout);
  const auto& r = reclaimed.as_array();
  if (r.size() != 3) co_return out;
  {
    std::lock_guard lock(cursor_mutex_);
    reclaim_cursor_ = r[0].as_string();
  }
  for (const auto& item : r[1].as_array()) {
    const auto& e = item.as_array();
    if (e.size() < 4) continue;
    Message m;
    m.id = e[0].as_string();
    m.receipt = m.id;
    m.body = e[1].as_string();
    m.sent_at_ms = detail::to_int(e[2].as_string(), detail::stream_id_ms(m.id));
    m.deliveries = static_cast<int>(detail::to_int(e[3].as_string(), 2));
    out.push_back(std::move(m));
  }
  count_dead("max_deliveries", r[2].as_int());
  if (!out.empty() && options_.metrics != nullptr) {
    options_.metrics
        ->counter("match_queue_redelivered_total", "messages delivered again after their visibility timeout")
        .inc(out.size());
  }
  co_return out;
}

awaitable<std::vector<Message>> RedisStreamQueue::receive_once(std::size_t max, Millis wait) {
  std::vector<Message> out;
  try {
    co_await ensure_group();
    const auto next_due_in = co_await promote_due();
    const auto now = now_ms();
    if (now >= next_reclaim_ms_.load()) {
      next_reclaim_ms_.store(now + detail::reclaim_interval(options_.visibility_timeout).count());
      out = co_await reclaim(max);
      if (out.size() >= max) next_reclaim_ms_.store(0);  // more may be waiting
    }
    if (!out.empty()) {
      // Something to do already: top up with new messages without waiting.
      if (out.size() < max) {
        auto more = co_await read_new(shared_, max - out.size(), std::nullopt);
        for (auto& m : more) out.push_back(std::move(m));
      }
      co_return out;
    }
    const auto block = detail::block_time(wait, next_due_in, options_.visibility_timeout);
    // Blocking reads only ever go to this instance's own connection.
    out = co_await read_new(block ? *blocking_ : shared_, max, block);
  } catch (const redis::CommandError& e) {
    if (!is_nogroup(e)) throw;
    group_ready_.store(false);  // Redis lost the group (flushed, restarted without persistence)
  }
  co_return out;
}

awaitable<void> RedisStreamQueue::ack(const Message& message) {
  std::vector<Settlement> one{Settlement{.message = &message, .kind = Settlement::Kind::ack}};
  co_await settle_many(std::move(one));
}

awaitable<void> RedisStreamQueue::retry_later(const Message& message, Millis delay) {
  std::vector<Settlement> one{Settlement{.message = &message, .kind = Settlement::Kind::retry, .delay = delay}};
  co_await settle_many(std::move(one));
}

awaitable<void> RedisStreamQueue::settle_many(std::vector<Settlement> settlements) {
  if (settlements.empty()) co_return;
  const auto now = now_ms();
  redis::Command keys{options_.stream, delayed_key(), dead_letter_key()};
  redis::Command args{options_.group, options_.consumer, static_cast<std::int64_t>(options_.max_deliveries),
                      std::to_string(now)};
  for (const auto& s : settlements) {
    const auto& m = *s.message;
    const bool retry = s.kind == Settlement::Kind::retry;
    const std::int64_t due = now + std::max<std::int64_t>(0, s.delay.count());
    args.push(retry ? "retry" : "ack").push(m.receipt).push(due);
    args.push(retry ? detail::delayed_member(m) : std::string());
    args.push(m.deliveries).push(retry ? std::string_view(m.body) : std::string_view()).push(m.sent_at_ms);
  }
  auto reply = co_await shared_.eval(kSettle, std::move(keys), std::move(args), options_.command_timeout);
  const auto& outcomes = reply.as_array();
  for (std::size_t i = 0; i < settlements.size() && i < outcomes.size(); ++i) {
    const auto outcome = outcomes[i].as_int();
    if (outcome == 0) {
      log::warn("match queue: settling a message this consumer no longer owns (ignored)",
                {{"id", settlements[i].message->id},
                 {"consumer", options_.consumer},
                 {"settlement", settlements[i].kind == Settlement::Kind::ack ? "ack" : "retry"}});
    } else if (outcome == 2) {
      count_dead("max_deliveries", 1);
    }
  }
}

std::string RedisStreamQueue::wake_token(const Message& message) const { return detail::delayed_member(message); }

awaitable<bool> RedisStreamQueue::wake(std::string token) {
  redis::Command keys{options_.stream, delayed_key(), dead_letter_key()};
  redis::Command args{std::move(token), std::to_string(now_ms())};
  const auto woken = co_await shared_.eval(kWake, std::move(keys), std::move(args), options_.command_timeout);
  co_return woken.as_int() == 1;
}

awaitable<void> RedisStreamQueue::dead_letter(const Message& message, std::string reason) {
  if (reason.empty()) reason = "rejected";
  redis::Command keys{options_.stream, dead_letter_key()};
  redis::Command args{options_.group,
                      options_.consumer,
                      message.receipt,
                      reason,
                      static_cast<std::int64_t>(message.deliveries),
                      std::to_string(now_ms()),
                      message.body,
                      std::to_string(message.sent_at_ms)};
  auto reply = co_await shared_.eval(kDead, std::move(keys), std::move(args), options_.command_timeout);
  if (reply.as_int() == 1) {
    count_dead(reason, 1);
  } else {
    log::warn("match queue: dead-letter of a message this consumer no longer owns (ignored)",
              {{"id", message.id}, {"consumer", options_.consumer}});
  }
}

awaitable<QueueStats> RedisStreamQueue::stats() {
  std::vector<redis::Command> batch;
  batch.emplace_back("XLEN", options_.stream);
  batch.emplace_back("ZCARD", delayed_key());
  batch.emplace_back("XPENDING", options_.stream, options_.group);
  batch.emplace_back("XLEN", dead_letter_key());
  batch.emplace_back("XRANGE", options_.stream, "-", "+", "COUNT", 1);
  auto replies = co_await shared_.pipeline(std::move(batch), options_.command_timeout);
  QueueStats s;
  const auto stream_len = replies[0].as_int();
  s.delayed = replies[1].as_int();
  s.depth = stream_len + s.delayed;
  if (!replies[2].is_error() && replies[2].is_array() && !replies[2].as_array().empty()) {
    s.in_flight = replies[2].as_array()[0].as_int();
  }
  s.dead_letter_depth = replies[3].as_int();
  if (replies[4].is_array() && !replies[4].as_array().empty()) {
    const auto& e = replies[4].as_array()[0].as_array();
    if (e.size() >= 2) {
      const auto id = e[0].as_string();
      const auto sent = detail::to_int(detail::field(detail::field_pairs(e[1]), "sent_at"), detail::stream_id_ms(id));
      s.oldest_age_ms = std::max<std::int64_t>(0, now_ms() - sent);
    }
  }
  co_return s;
}

awaitable<std::vector<DeadLetter>> RedisStreamQueue::dead_letters(std::size_t max) {
  auto reply = co_await shared_.command(
      {"XRANGE", dead_letter_key(), "-", "+", "COUNT", static_cast<std::int64_t>(std::max<std::size_t>(1, max))},
      options_.command_timeout);
  std::vector<DeadLetter> out;
  for (const auto& entry : reply.as_array()) {
    const auto& e = entry.as_array();
    if (e.size() < 2) continue;
    const auto fields = detail::field_pairs(e[1]);
    DeadLetter d;
    d.id = e[0].as_string();
    d.body = detail::field(fields, "body");
    d.sent_at_ms = detail::to_int(detail::field(fields, "sent_at"), 0);
    d.dead_at_ms = detail::to_int(detail::field(fields, "dead_at"), detail::stream_id_ms(d.id));
    d.deliveries = static_cast<int>(detail::to_int(detail::field(fields, "deliveries"), 0));
    d.reason = detail::field(fields, "reason");
    d.origin = detail::field(fields, "origin");
    out.push_back(std::move(d));
  }
  co_return out;
}

awaitable<std::string> RedisStreamQueue::replay(const std::string& id) {
  redis::Command keys{options_.stream, dead_letter_key()};
  redis::Command args{id};
  auto reply = co_await shared_.eval(kReplay, std::move(keys), std::move(args), options_.command_timeout);
  if (reply.is_nil()) co_return std::string();
  co_return reply.as_string();
}

awaitable<std::size_t> RedisStreamQueue::replay_all() {
  const auto total = (co_await shared_.command({"XLEN", dead_letter_key()}, options_.command_timeout)).as_int();
  std::size_t replayed = 0;
  while (static_cast<std::int64_t>(replayed) < total) {
    const auto batch_size = std::min<std::int64_t>(100, total - static_cast<std::int64_t>(replayed));
    auto batch = co_await dead_letters(static_cast<std::size_t>(batch_size));
    if (batch.empty()) break;
    for (const auto& d : batch) {
      if (!(co_await replay(d.id)).empty()) ++replayed;
    }
  }
  co_return replayed;
}

}  // namespace uitgo::queue
