#include "driver/matcher/waiting_trips.hpp"

#include <cmath>
#include <set>

#include "driver/index/driver_index.hpp"
#include "driver/search/redis_geo.hpp"

namespace uitgo::driver {
namespace {

// How many parked trips a claim looks at: when as many in a row were offered
// to the driver before, it wakes none of them (they keep their retries).
constexpr std::int64_t kClaimScan = 10;

// KEYS: near, anywhere, since, tokens, excluded.
// ARGV: keep_after_ms, number of trips to park, then six per trip (id,
// "<attempt> <token>", lng or '', lat or '', created_ms, excluded drivers as
// " id id " or ''), then two per trip to unpark (id, attempt).
const redis::Script kUpdate(R"lua(
local function drop(id)
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZREM', KEYS[3], id)
  redis.call('HDEL', KEYS[4], id)
  redis.call('HDEL', KEYS[5], id)
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[1], 'LIMIT', 0, 100)) do drop(id) end
local a = 3
for _ = 1, tonumber(ARGV[2]) do
  local id = ARGV[a]
  if ARGV[a + 2] ~= '' then
    redis.call('GEOADD', KEYS[1], ARGV[a + 2], ARGV[a + 3], id)
  else
    redis.call('ZADD', KEYS[2], ARGV[a + 4], id)
  end
  redis.call('ZADD', KEYS[3], ARGV[a + 4], id)
  redis.call('HSET', KEYS[4], id, ARGV[a + 1])
  if ARGV[a + 5] ~= '' then
    redis.call('HSET', KEYS[5], id, ARGV[a + 5])
  else
    redis.call('HDEL', KEYS[5], id)
  end
  a = a + 6
end
for i = a, #ARGV - 1, 2 do
  local parked = redis.call('HGET', KEYS[4], ARGV[i])
  if parked and tonumber(string.match(parked, '^%d+')) <= tonumber(ARGV[i + 1]) then drop(ARGV[i]) end
end
return 1
)lua");

// KEYS: near, anywhere, since, tokens, excluded, free drivers (GEO), free
// unlocated drivers.
// ARGV: driver id, radius (m), how many parked trips to look at (kClaimScan).
// Returns {trip id, token} or nil. Of the nearest (or oldest) parked trips,
// the first that was never offered to this driver: one it declined or let
// expire would only be parked again.
const redis::Script kClaim(R"lua(
if redis.call('EXISTS', KEYS[3]) == 0 then return false end
local function open_to(id)
  local excluded = redis.call('HGET', KEYS[5], id)
  return not excluded or not string.find(excluded, ' ' .. ARGV[1] .. ' ', 1, true)
end
local function take(ids)
  for _, id in ipairs(ids) do
    if open_to(id) then
      local parked = redis.call('HGET', KEYS[4], id) or ''
      redis.call('ZREM', KEYS[1], id)
      redis.call('ZREM', KEYS[2], id)
      redis.call('ZREM', KEYS[3], id)
      redis.call('HDEL', KEYS[4], id)
      redis.call('HDEL', KEYS[5], id)
      return {id, string.match(parked, '^%d+ (.*)$') or ''}
    end
  end
  return false
end
local pos = redis.call('GEOPOS', KEYS[6], ARGV[1])[1]
if pos then
  local near = take(redis.call('GEOSEARCH', KEYS[1], 'FROMLONLAT', pos[1], pos[2], 'BYRADIUS', ARGV[2], 'm',
                               'ASC', 'COUNT', ARGV[3]))
  if near then return near end
elseif not redis.call('ZSCORE', KEYS[7], ARGV[1]) then
  return false
end
return take(redis.call('ZRANGE', KEYS[2], 0, tonumber(ARGV[3]) - 1))
)lua");

// " a b " (the claim script looks for " <id> "), or "" for none.
std::string excluded_text(const std::set<std::string>& drivers) {
  if (drivers.empty()) return "";
  std::string out = " ";
  for (const auto& id : drivers) out += id + " ";
  return out;
}

bool indexable(const geo::LatLng& p) {
  return std::abs(p.lat) <= redis_geo::kMaxIndexedLatitude && std::abs(p.lng) <= 180.0;
}

}  // namespace

WaitingTrips::WaitingTrips(redis::Client& redis, WaitingSettings settings) : redis_(redis), settings_(settings) {}

awaitable<void> WaitingTrips::update(const std::vector<ParkedTrip>& park, const std::vector<Unpark>& unpark,
                                     std::int64_t now_ms) {
  if (park.empty() && unpark.empty()) co_return;
  redis::Command keys{WaitingKeys::near, WaitingKeys::anywhere, WaitingKeys::since, WaitingKeys::tokens,
                      WaitingKeys::excluded};
  redis::Command args{now_ms - settings_.keep_for.count(), static_cast<std::int64_t>(park.size())};
  for (const auto& trip : park) {
    args.push(trip.trip_id).push(std::to_string(trip.attempt) + " " + trip.token);
    if (trip.pickup && indexable(*trip.pickup)) {
      args.push(trip.pickup->lng).push(trip.pickup->lat);
    } else {
      args.push("").push("");
    }
    args.push(trip.created_ms).push(excluded_text(trip.excluded));
  }
  for (const auto& u : unpark) args.push(u.trip_id).push(u.attempt);
  co_await redis_.eval(kUpdate, std::move(keys), std::move(args));
}

awaitable<std::optional<ClaimedTrip>> WaitingTrips::claim_for(const std::string& driver_id) {
  redis::Command keys{WaitingKeys::near,     WaitingKeys::anywhere, WaitingKeys::since,       WaitingKeys::tokens,
                      WaitingKeys::excluded, IndexKeys::free,       IndexKeys::unlocated_free};
  redis::Command args{driver_id, settings_.radius_meters, kClaimScan};
  const auto reply = co_await redis_.eval(kClaim, std::move(keys), std::move(args));
  if (reply.is_nil()) co_return std::nullopt;
  const auto& parts = reply.as_array();
  if (parts.size() != 2) co_return std::nullopt;
  co_return ClaimedTrip{.trip_id = parts[0].as_string(), .token = parts[1].as_string()};
}

}  // namespace uitgo::driver
