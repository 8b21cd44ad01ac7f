#include "driver/index/driver_index.hpp"

#include <algorithm>
#include <unordered_set>

#include "core/base/log.hpp"
#include "driver/matcher/waiting_trips.hpp"

namespace uitgo::driver {
namespace {

// KEYS: available, online, free, heartbeat, positions, trip key, unlocated,
//       unlocated free, parked trips with a pickup (WaitingKeys::near)
// ARGV: id, lng, lat, now_ms, position text, wake radius (m)
// A position: the driver is located from now on. Returns 0 not available, 1
// moved, 2 moved into the free set (it was not there), 3 moved while free
// and a parked trip is within the wake radius.
constexpr const char* kUpdateLocation = R"lua(
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return 0 end
local result = 1
redis.call('GEOADD', KEYS[2], ARGV[2], ARGV[3], ARGV[1])
if redis.call('EXISTS', KEYS[6]) == 0 then
  if not redis.call('ZSCORE', KEYS[3], ARGV[1]) then
    result = 2
  elseif redis.call('EXISTS', KEYS[9]) == 1 and
         redis.call('GEOSEARCH', KEYS[9], 'FROMLONLAT', ARGV[2], ARGV[3], 'BYRADIUS', ARGV[6], 'm', 'COUNT', 1)[1] then
    result = 3
  end
  redis.call('ZADD', KEYS[3], redis.call('ZSCORE', KEYS[2], ARGV[1]), ARGV[1])
else
  redis.call('ZREM', KEYS[3], ARGV[1])
end
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
redis.call('HSET', KEYS[5], ARGV[1], ARGV[5])
redis.call('ZREM', KEYS[7], ARGV[1])
redis.call('ZREM', KEYS[8], ARGV[1])
return result
)lua";

// KEYS: available, online, free, heartbeat, positions, trip key, unlocated, unlocated free
// ARGV: id, trip id or '', min heartbeat (ms), unlocated since (ms) or '',
//       [lng, lat, received_ms, position text]
// The position is applied only when newer than the heartbeat Redis has. A
// driver given as unlocated (no position since going online) is one unless
// Redis has a fresh heartbeat for it; its waiting time (the score) is kept
// when it already is one.
constexpr const char* kGoOnline = R"lua(
redis.call('SADD', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then redis.call('SET', KEYS[6], ARGV[2]) end
if #ARGV >= 8 then
  local hb = redis.call('ZSCORE', KEYS[4], ARGV[1])
  if not hb or tonumber(hb) < tonumber(ARGV[7]) then
    redis.call('GEOADD', KEYS[2], ARGV[5], ARGV[6], ARGV[1])
    redis.call('ZADD', KEYS[4], ARGV[7], ARGV[1])
    redis.call('HSET', KEYS[5], ARGV[1], ARGV[8])
  end
end
local reserved = redis.call('EXISTS', KEYS[6]) == 1
if not reserved then
  local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
  if score then redis.call('ZADD', KEYS[3], score, ARGV[1]) end
else
  redis.call('ZREM', KEYS[3], ARGV[1])
end
local hb = redis.call('ZSCORE', KEYS[4], ARGV[1])
local located = hb and tonumber(hb) >= tonumber(ARGV[3])
if ARGV[4] ~= '' and not located then
  redis.call('ZADD', KEYS[7], 'NX', ARGV[4], ARGV[1])
  if reserved then
    redis.call('ZREM', KEYS[8], ARGV[1])
  else
    redis.call('ZADD', KEYS[8], 'NX', redis.call('ZSCORE', KEYS[7], ARGV[1]), ARGV[1])
  end
else
  redis.call('ZREM', KEYS[7], ARGV[1])
  redis.call('ZREM', KEYS[8], ARGV[1])
end
return 1
)lua";

// KEYS: available, online, free, heartbeat, positions, unlocated, unlocated free; ARGV: id
constexpr const char* kGoOffline = R"lua(
redis.call('SREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
redis.call('ZREM', KEYS[6], ARGV[1])
redis.call('ZREM', KEYS[7], ARGV[1])
return 1
)lua";

// KEYS: free, heartbeat, positions
// ARGV: lng, lat, limit, eps (metres), min heartbeat (ms), radius step 1, ..., step n (metres)
// Returns {id, position text, id, position text, ...}: the fresh members found
// at the first step that certainly holds the `limit` nearest by exact
// position. GEO positions are off by at most eps, so with d the limit-th
// fresh GEO distance, every driver that may be nearer exactly lies within
// d + 2*eps by GEO distance: the step must cover that (or be the last one,
// which covers the requested radius + eps). COUNT grows when a step was
// truncated too early (stale members or ties in the way). Heartbeats are read
// by ZMSCORE, `limit` members first and then up to 64 at a time, until a
// chunk reaches that distance: members beyond it cannot rank.
constexpr const char* kSearch = R"lua(
local lng, lat = ARGV[1], ARGV[2]
local limit, eps, min_hb = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local last_step = #ARGV
local fresh = {}
for s = 6, last_step do
  local radius = tonumber(ARGV[s])
  local count = limit + 8
  local done = false
  while true do
    local hits = redis.call('GEOSEARCH', KEYS[1], 'FROMLONLAT', lng, lat, 'BYRADIUS', radius, 'm',
                            'ASC', 'COUNT', count, 'WITHDIST')
    fresh = {}
    local cut = nil  -- past the limit-th fresh distance + 2 eps nothing can rank
    local first, chunk = 1, limit
    -- Heartbeats a chunk at a time (one ZMSCORE, not one ZSCORE per hit):
    -- the first `limit` hits usually settle it.
    while first <= #hits and not (cut and tonumber(hits[first][2]) > cut) do
      local last = math.min(#hits, first + chunk - 1)
      chunk = 64
      local ids = {}
      for i = first, last do ids[#ids + 1] = hits[i][1] end
      local hbs = redis.call('ZMSCORE', KEYS[2], unpack(ids))
      for i = first, last do
        local d = tonumber(hits[i][2])
        if cut and d > cut then break end
        local hb = hbs[i - first + 1]
        if hb and tonumber(hb) >= min_hb then
          fresh[#fresh + 1] = {hits[i][1], d}
          if #fresh == limit then cut = d + 2 * eps end
        end
      end
      first = last + 1
    end
    local enough = #fresh >= limit
    if #hits < count then
      done = s == last_step or (enough and fresh[limit][2] + 2 * eps <= radius)
      break
    end
    if enough and fresh[limit][2] + 2 * eps < tonumber(hits[#hits][2]) then
      done = true
      break
    end
    count = count * 2
  end
  if done then break end
end
local out = {}
if #fresh == 0 then return out end
local ids = {}
for i = 1, #fresh do ids[i] = fresh[i][1] end
local positions = redis.call('HMGET', KEYS[3], unpack(ids))
for i = 1, #fresh do
  if positions[i] then
    out[#out + 1] = ids[i]
    out[#out + 1] = positions[i]
  end
end
return out
)lua";

// KEYS: free, heartbeat, trip key, unlocated free
// ARGV: id, trip id, min heartbeat (ms), '1' when unlocated drivers may be reserved
// 1 reserved, 2 already reserved for this trip, 0 not free. Free means: in
// the free GEO set with a fresh heartbeat, or (when allowed) free and
// without a position since going online.
constexpr const char* kReserve = R"lua(
local current = redis.call('GET', KEYS[3])
if current then
  if current == ARGV[2] then return 2 end
  return 0
end
local hb = redis.call('ZSCORE', KEYS[2], ARGV[1])
if hb and tonumber(hb) >= tonumber(ARGV[3]) and redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
  redis.call('SET', KEYS[3], ARGV[2])
  return 1
end
if ARGV[4] == '1' and redis.call('ZREM', KEYS[4], ARGV[1]) == 1 then
  redis.call('SET', KEYS[3], ARGV[2])
  return 1
end
return 0
)lua";

// KEYS: trip key, free, online, heartbeat, available, unlocated, unlocated free
// ARGV: id, trip id, min heartbeat (ms), now (ms)
// A released driver is free again: in the free GEO set when located and
// fresh, or waiting (since now) among the unlocated.
constexpr const char* kRelease = R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
local available = redis.call('SISMEMBER', KEYS[5], ARGV[1]) == 1
local hb = redis.call('ZSCORE', KEYS[4], ARGV[1])
local score = redis.call('ZSCORE', KEYS[3], ARGV[1])
if hb and score and tonumber(hb) >= tonumber(ARGV[3]) and available then
  redis.call('ZADD', KEYS[2], score, ARGV[1])
end
if available and redis.call('ZSCORE', KEYS[6], ARGV[1]) then
  redis.call('ZADD', KEYS[6], 'XX', ARGV[4], ARGV[1])
  redis.call('ZADD', KEYS[7], ARGV[4], ARGV[1])
end
return 1
)lua";

// KEYS: heartbeat, online, free, positions; ARGV: cut-off ms (exclusive), batch size
constexpr const char* kSweep = R"lua(
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #ids == 0 then return 0 end
redis.call('ZREM', KEYS[1], unpack(ids))
redis.call('ZREM', KEYS[2], unpack(ids))
redis.call('ZREM', KEYS[3], unpack(ids))
redis.call('HDEL', KEYS[4], unpack(ids))
return #ids
)lua";

constexpr std::int64_t kSweepBatch = 1000;
constexpr std::size_t kWarmBatch = 500;

redis::Command online_keys(const std::string& id) {
  return {IndexKeys::available, IndexKeys::online,   IndexKeys::free,      IndexKeys::heartbeat,
          IndexKeys::positions, IndexKeys::trip(id), IndexKeys::unlocated, IndexKeys::unlocated_free};
}

redis::Command offline_keys() {
  return {IndexKeys::available, IndexKeys::online,    IndexKeys::free,          IndexKeys::heartbeat,
          IndexKeys::positions, IndexKeys::unlocated, IndexKeys::unlocated_free};
}

redis::Command go_online_args(const std::string& id, const Online& state, std::int64_t min_heartbeat_ms) {
  const auto& fix = state.fix;
  const auto& trip_id = state.trip_id;
  redis::Command args{id, trip_id ? *trip_id : std::string(), min_heartbeat_ms};
  if (state.unlocated_since_ms) {
    args.push(*state.unlocated_since_ms);
  } else {
    args.push(std::string());
  }
  if (fix) {
    const std::string text = encode_fix(*fix);
    args.push(fix->lng).push(fix->lat).push(fix->recorded_at_ms).push(text);
  }
  return args;
}

// EVALSHA as a plain command, for pipelines (the script must be loaded).
redis::Command evalsha(const redis::Script& script, const redis::Command& keys, const redis::Command& args) {
  redis::Command c{"EVALSHA", script.sha1(), keys.size()};
  c.append(keys).append(args);
  return c;
}

}  // namespace

DriverIndex::DriverIndex(redis::Client& redis, std::chrono::seconds stale_after, bool reserve_unlocated,
                         double wake_radius_meters)
    : redis_(redis),
      stale_ms_(std::chrono::duration_cast<std::chrono::milliseconds>(stale_after).count()),
      reserve_unlocated_(reserve_unlocated),
      wake_radius_meters_(wake_radius_meters),
      update_location_(kUpdateLocation),
      go_online_(kGoOnline),
      go_offline_(kGoOffline),
      search_(kSearch),
      reserve_(kReserve),
      release_(kRelease),
      sweep_(kSweep) {}

awaitable<LocationUpdate> DriverIndex::update_location(const std::string& id, double lat, double lng,
                                                       std::int64_t now_ms) {
  const std::string text = encode_fix({.lat = lat, .lng = lng, .recorded_at_ms = now_ms});
  redis::Command keys = online_keys(id);
  keys.push(WaitingKeys::near);
  redis::Command args{id, lng, lat, now_ms, text, wake_radius_meters_};
  const auto reply = co_await redis_.eval(update_location_, std::move(keys), std::move(args));
  switch (reply.as_int()) {
    case 0:
      co_return LocationUpdate::refused;
    case 2:
      co_return LocationUpdate::became_free;
    case 3:
      co_return LocationUpdate::near_waiting_trip;
    default:
      co_return LocationUpdate::moved;
  }
}

awaitable<void> DriverIndex::go_online(const std::string& id, const Online& state, std::int64_t now_ms) {
  redis::Command keys = online_keys(id);
  redis::Command args = go_online_args(id, state, now_ms - stale_ms_);
  co_await redis_.eval(go_online_, std::move(keys), std::move(args));
}

awaitable<void> DriverIndex::go_offline(const std::string& id) {
  redis::Command keys = offline_keys();
  redis::Command args{id};
  co_await redis_.eval(go_offline_, std::move(keys), std::move(args));
}

awaitable<std::vector<Candidate>> DriverIndex::search(geo::LatLng center, double radius_meters, int limit,
                                                      std::int64_t now_ms) {
  std::vector<Candidate> out;
  // Redis cannot take a centre beyond the Web Mercator limit, and no driver
  // can be indexed there either.
  if (std::abs(center.lat) > redis_geo::kMaxIndexedLatitude) co_return out;
  redis::Command keys{IndexKeys::free, IndexKeys::heartbeat, IndexKeys::positions};
  redis::Command args{center.lng, center.lat, limit, redis_geo::kIndexErrorMeters, now_ms - stale_ms_};
  for (const double step : redis_geo::radius_steps(radius_meters)) args.push(step + redis_geo::kIndexErrorMeters);
  const auto reply = co_await redis_.eval(search_, std::move(keys), std::move(args));
  const auto& items = reply.as_array();
  out.reserve(items.size() / 2);
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    auto fix = decode_fix(items[i + 1].as_string());
    if (!fix) {
      log::warn("unreadable position in the driver index", {{"driverId", items[i].as_string()}});
      continue;
    }
    out.push_back({items[i].as_string(), *fix});
  }
  co_return out;
}

awaitable<Reservation> DriverIndex::reserve(const std::string& id, const std::string& trip_id, std::int64_t now_ms) {
  redis::Command keys{IndexKeys::free, IndexKeys::heartbeat, IndexKeys::trip(id), IndexKeys::unlocated_free};
  redis::Command args{id, trip_id, now_ms - stale_ms_, reserve_unlocated_ ? "1" : "0"};
  const auto reply = co_await redis_.eval(reserve_, std::move(keys), std::move(args));
  switch (reply.as_int()) {
    case 1:
      co_return Reservation::reserved;
    case 2:
      co_return Reservation::already_held;
    default:
      co_return Reservation::not_free;
  }
}

awaitable<bool> DriverIndex::release(const std::string& id, const std::string& trip_id, std::int64_t now_ms) {
  redis::Command keys{IndexKeys::trip(id),  IndexKeys::free,      IndexKeys::online,        IndexKeys::heartbeat,
                      IndexKeys::available, IndexKeys::unlocated, IndexKeys::unlocated_free};
  redis::Command args{id, trip_id, now_ms - stale_ms_, now_ms};
  const auto reply = co_await redis_.eval(release_, std::move(keys), std::move(args));
  co_return reply.as_int() == 1;
}

awaitable<bool> DriverIndex::any_free() {
  // Redis deletes a sorted set with its last member: EXISTS is "non-empty".
  redis::Command exists{"EXISTS", IndexKeys::free};
  if (reserve_unlocated_) exists.push(IndexKeys::unlocated_free);
  const auto reply = co_await redis_.command(std::move(exists));
  co_return reply.as_int() > 0;
}

awaitable<std::vector<WaitingDriver>> DriverIndex::unlocated_free(int limit) {
  std::vector<WaitingDriver> out;
  redis::Command range{"ZRANGE", IndexKeys::unlocated_free, 0, limit - 1, "WITHSCORES"};
  const auto reply = co_await redis_.command(std::move(range));
  const auto& items = reply.as_array();
  out.reserve(items.size() / 2);
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    const auto score = items[i + 1].as_string();
    out.push_back({.id = items[i].as_string(), .waiting_since_ms = std::stoll(score)});
  }
  co_return out;
}

awaitable<std::int64_t> DriverIndex::sweep_stale(std::int64_t now_ms) {
  std::int64_t total = 0;
  while (true) {
    redis::Command keys{IndexKeys::heartbeat, IndexKeys::online, IndexKeys::free, IndexKeys::positions};
    redis::Command args{now_ms - stale_ms_, kSweepBatch};
    const auto reply = co_await redis_.eval(sweep_, std::move(keys), std::move(args));
    const auto n = reply.as_int();
    total += n;
    if (n < kSweepBatch) break;
  }
  co_return total;
}

awaitable<std::size_t> DriverIndex::warm(const std::vector<WarmEntry>& entries, std::int64_t now_ms) {
  // Make sure both scripts are cached, so the pipelined EVALSHAs below run.
  for (const auto* script : {&go_online_, &go_offline_}) {
    redis::Command load{"SCRIPT", "LOAD", script->source()};
    co_await redis_.command(std::move(load));
  }
  std::unordered_set<std::string> online;
  for (const auto& e : entries) {
    if (e.online) online.insert(e.id);
  }

  // Whatever Redis lists as online that Postgres does not: take it out.
  redis::Command members{"SMEMBERS", IndexKeys::available};
  const auto listed_available = co_await redis_.command(std::move(members));
  redis::Command positioned{"ZRANGE", IndexKeys::online, 0, -1};
  const auto listed_online = co_await redis_.command(std::move(positioned));
  redis::Command waiting{"ZRANGE", IndexKeys::unlocated, 0, -1};
  const auto listed_unlocated = co_await redis_.command(std::move(waiting));
  std::unordered_set<std::string> extra;
  for (const auto* listed : {&listed_available, &listed_online, &listed_unlocated}) {
    for (const auto& member : listed->as_array()) {
      if (!online.contains(member.as_string())) extra.insert(member.as_string());
    }
  }

  std::vector<redis::Command> batch;
  std::size_t positions = 0;
  const auto send = [&]() -> awaitable<void> {
    if (batch.empty()) co_return;
    std::vector<redis::Command> commands = std::move(batch);
    batch.clear();
    const auto replies = co_await redis_.pipeline(std::move(commands));
    for (const auto& reply : replies) reply.throw_if_error();
  };
  for (const auto& id : extra) {
    batch.push_back(evalsha(go_offline_, offline_keys(), redis::Command{id}));
    if (batch.size() >= kWarmBatch) co_await send();
  }
  for (const auto& e : entries) {
    if (e.online) {
      Online state{.trip_id = e.current_trip_id, .unlocated_since_ms = e.unlocated_since_ms};
      if (e.fix && e.fix->recorded_at_ms >= now_ms - stale_ms_) state.fix = e.fix;
      positions += state.fix ? 1 : 0;
      batch.push_back(evalsha(go_online_, online_keys(e.id), go_online_args(e.id, state, now_ms - stale_ms_)));
    } else if (e.current_trip_id) {
      // Offline but still holding a trip: keep the reservation only.
      const std::string key = IndexKeys::trip(e.id);
      batch.push_back(redis::Command{"SET", key, *e.current_trip_id});
    }
    if (batch.size() >= kWarmBatch) co_await send();
  }
  co_await send();
  co_return positions;
}

awaitable<std::optional<Fix>> DriverIndex::position(const std::string& id) {
  redis::Command get{"HGET", IndexKeys::positions, id};
  const auto reply = co_await redis_.command(std::move(get));
  if (reply.is_nil()) co_return std::nullopt;
  co_return decode_fix(reply.as_string());
}

}  // namespace uitgo::driver
