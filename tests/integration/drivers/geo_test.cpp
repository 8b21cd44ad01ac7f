// driver-service on real Postgres, Redis and nginx (GEO search mode):
// profiles, availability, live locations and the GEO index, reservations,
// warm-up, batched history, role checks, bad input and the register flow.
#include <gtest/gtest.h>

#include <thread>

#include "drivers/driver_api.hpp"
#include "support/eventually.hpp"
#include "support/metrics.hpp"
#include "support/shared_environment.hpp"
#include "support/shell.hpp"

namespace uitgo::test::drivers {
namespace {

using namespace std::chrono_literals;

constexpr int kStaleSeconds = 8;

struct Fixture {
  TestStack stack{StackOptions{.postgres = true,
                               .redis = true,
                               .services = true,
                               .nginx = true,
                               .env = {{"DRIVER_STALE_SECONDS", std::to_string(kStaleSeconds)},
                                       // Tests run the flusher and the sweeper when they need them.
                                       {"LOCATION_FLUSH_MS", "60000"},
                                       {"DRIVER_SWEEP_MS", "60000"}}}};
  DriverApi api{stack, stack.driver_port};  // driver-service directly
  DriverApi gateway{stack, stack.gateway_port};
};

Fixture* fx = nullptr;
const auto* const environment = share_per_binary(fx, [] { return std::make_unique<Fixture>(); });

// Each test works in its own area, far from the others' drivers.
struct Area {
  double lat;
  double lng;
};
Area area(int k) { return {-40.0 + 1.5 * k, 20.0 + 1.5 * k}; }

bool flushed(const std::string& id) {
  return !fx->api.scalar("driver_db", "SELECT 1 FROM driver_last_locations WHERE driver_id = '" + id + "'").empty();
}

// Writes the buffered location history now.
void flush_history() { fx->api.run_task("location-history-flush"); }

std::string trip_of(const std::string& id) {
  return fx->api.scalar("driver_db", "SELECT coalesce(current_trip_id::text, '') FROM drivers WHERE id = '" + id + "'");
}

// One redis-cli command on the stack's Redis.
std::string redis(const std::string& command) { return redis_cli(fx->stack.redis_port, command); }

HttpResponse reserve(const std::string& id, const std::string& trip) {
  return fx->api.internal("POST", "/internal/drivers/" + id + "/reserve", json::object{{"tripId", trip}});
}
HttpResponse release(const std::string& id, const std::string& trip) {
  return fx->api.internal("POST", "/internal/drivers/" + id + "/release", json::object{{"tripId", trip}});
}

TEST(Drivers, ProfileCreateReadUpdate) {
  const auto id = new_uuid();
  const auto token = fx->api.token(id, "driver");
  EXPECT_EQ(fx->api.call("GET", "/v1/drivers/me", token).status, 404);

  const auto plate = new_plate();
  auto body = profile_body(" " + plate + " ", "Le Thi C");
  body["avatarUrl"] = "https://cdn.example.com/c.png";
  const auto created = fx->api.call("POST", "/v1/drivers", token, body);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto p = body_of(created);
  EXPECT_EQ(p.at("id").as_string(), id);
  EXPECT_EQ(p.at("fullName").as_string(), "Le Thi C");
  EXPECT_EQ(p.at("vehicle").at("plateNumber").as_string(), plate);  // trimmed, upper-case
  EXPECT_EQ(p.at("vehicle").at("year").as_int64(), 2021);
  EXPECT_EQ(p.at("status").at("availability").as_string(), "offline");
  EXPECT_TRUE(p.at("location").is_null());
  EXPECT_DOUBLE_EQ(p.at("rating").to_number<double>(), 5.0);

  const auto again = fx->api.call("POST", "/v1/drivers", token, profile_body(new_plate()));
  EXPECT_EQ(again.status, 409) << again.body;

  const auto me = fx->api.call("GET", "/v1/drivers/me", token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(body_of(me).at("avatarUrl").as_string(), "https://cdn.example.com/c.png");

  const auto patched = fx->api.call("PATCH", "/v1/drivers/me", token,
                                    R"({"fullName":"Le Thi D","vehicle":{"color":"blue","year":2022}})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(body_of(patched).at("fullName").as_string(), "Le Thi D");
  EXPECT_EQ(body_of(patched).at("vehicle").at("color").as_string(), "blue");
  EXPECT_EQ(body_of(patched).at("vehicle").at("model").as_string(), "Vision");
  EXPECT_EQ(body_of(patched).at("vehicle").at("plateNumber").as_string(), plate);

  // Another driver's plate number is a conflict, on create and on update.
  const auto other = fx->api.create_driver();
  const auto other_plate =
      fx->api.scalar("driver_db", "SELECT plate_number FROM vehicles WHERE driver_id = '" + other + "'");
  const auto taken =
      fx->api.call("PATCH", "/v1/drivers/me", token, json::object{{"vehicle", {{"plateNumber", other_plate}}}});
  EXPECT_EQ(taken.status, 409) << taken.body;
  const auto third = new_uuid();
  EXPECT_EQ(fx->api.call("POST", "/v1/drivers", fx->api.token(third, "driver"), profile_body(other_plate)).status, 409);

  // Bad input names the field; roles are checked. (A profile without a vehicle is valid.)
  const auto bad = fx->api.call("POST", "/v1/drivers", fx->api.token("driver"),
                                R"({"fullName":"x","phone":"123456","licenseNumber":"l","vehicle":"car"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(str(body_of(bad), "field"), "vehicle");
  EXPECT_EQ(fx->api.call("PATCH", "/v1/drivers/me", token, R"({"vehicle":{"year":"new"}})").status, 400);
  EXPECT_EQ(fx->api.call("POST", "/v1/drivers", fx->api.token("driver"), "{not json").status, 400);
  EXPECT_EQ(fx->api.call("POST", "/v1/drivers", fx->api.token("rider"), profile_body(new_plate())).status, 403);
  EXPECT_EQ(fx->api.call("GET", "/v1/drivers/me").status, 401);
  EXPECT_EQ(fx->api.call("GET", "/v1/drivers/me", fx->api.token("not-a-uuid", "driver")).status, 404);
}

TEST(Drivers, InternalCreateIsIdempotentAndProtected) {
  const auto id = new_uuid();
  auto body = profile_body(new_plate());
  body["id"] = id;
  const auto text = json::serialize(body);
  EXPECT_EQ(fx->api.internal("POST", "/internal/drivers", text).status, 201);
  const auto retry = fx->api.internal("POST", "/internal/drivers", text);
  EXPECT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(body_of(retry).at("id").as_string(), id);

  body["id"] = new_uuid();  // same plate, another driver
  EXPECT_EQ(fx->api.internal("POST", "/internal/drivers", body).status, 409);

  EXPECT_EQ(http_request(fx->stack.driver_port, "POST", "/internal/drivers", text).status, 401);
  EXPECT_EQ(
      http_request(fx->stack.driver_port, "POST", "/internal/drivers", text, {{"X-Internal-Token", "wrong"}}).status,
      401);
  // A user's token is no internal token.
  EXPECT_EQ(fx->api.call("POST", "/internal/drivers", fx->api.token(id, "admin"), text).status, 401);
  // Never reachable through the gateway.
  EXPECT_EQ(fx->gateway.internal("POST", "/internal/drivers", text).status, 404);
}

TEST(Drivers, OnlineDriversAreFoundNearestFirst) {
  const auto a = area(1);
  // 0.001 degree of latitude is about 111 m.
  const auto d3 = fx->api.online_driver(a.lat + 0.012, a.lng, "Third");
  const auto d1 = fx->api.online_driver(a.lat + 0.002, a.lng, "First");
  const auto far = fx->api.online_driver(a.lat + 0.05, a.lng, "Far");  // ~5.6 km
  const auto d2 = fx->api.online_driver(a.lat - 0.006, a.lng, "Second");
  const auto offline = fx->api.create_driver();  // has a profile, never online

  const auto r = fx->api.search_raw("lat=" + decimal(a.lat) + "&lng=" + decimal(a.lng));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto items = items_of(r);
  ASSERT_EQ(items.size(), 3u) << r.body;
  EXPECT_EQ(items[0].at("id").as_string(), d1);
  EXPECT_EQ(items[1].at("id").as_string(), d2);
  EXPECT_EQ(items[2].at("id").as_string(), d3);
  const auto& first = items[0].as_object();
  EXPECT_EQ(first.at("fullName").as_string(), "First");
  EXPECT_DOUBLE_EQ(first.at("rating").to_number<double>(), 5.0);
  EXPECT_EQ(first.at("vehicle").at("make").as_string(), "Honda");
  EXPECT_FALSE(first.at("vehicle").at("plateNumber").as_string().empty());
  const auto& where = first.at("location").as_object();
  EXPECT_DOUBLE_EQ(where.at("lat").to_number<double>(), a.lat + 0.002);
  EXPECT_DOUBLE_EQ(where.at("lng").to_number<double>(), a.lng);
  EXPECT_NEAR(where.at("distanceMeters").to_number<double>(), 222.6, 1.0);
  EXPECT_EQ(where.at("recordedAt").as_string().size(), 24u);  // 2026-01-01T00:00:00.000Z
  double previous = 0;
  for (const auto& item : items) {
    const double d = item.at("location").at("distanceMeters").to_number<double>();
    EXPECT_GT(d, previous);
    previous = d;
  }

  EXPECT_EQ(fx->api.search(a.lat, a.lng, 3000, 2), (std::vector<std::string>{d1, d2}));
  EXPECT_EQ(fx->api.search(a.lat, a.lng, 500), (std::vector<std::string>{d1}));
  EXPECT_EQ(fx->api.search(a.lat, a.lng, 10000), (std::vector<std::string>{d1, d2, d3, far}));
  EXPECT_FALSE(contains(fx->api.search(a.lat, a.lng, 20000, 50), offline));
  // Admins may search; drivers may not. Through the gateway too.
  EXPECT_EQ(fx->api.search_raw("lat=" + decimal(a.lat) + "&lng=" + decimal(a.lng), "admin").status, 200);
  EXPECT_EQ(fx->api.search_raw("lat=" + decimal(a.lat) + "&lng=" + decimal(a.lng), "driver").status, 403);
  const auto via_gateway = fx->gateway.call(
      "GET", "/v1/drivers/search?lat=" + decimal(a.lat) + "&lng=" + decimal(a.lng), fx->gateway.token("rider"));
  EXPECT_EQ(via_gateway.status, 200);
  EXPECT_EQ(items_of(via_gateway).size(), 3u);
}

// Search results' summaries come from memory: a write that bypasses
// driver-service is not seen until a change is announced on the channel every
// process listens to; a change made through driver-service is seen at once.
TEST(Drivers, SearchSummariesAreCachedUntilAChangeIsAnnounced) {
  const auto a = area(20);
  const auto id = fx->api.online_driver(a.lat, a.lng, "Before");
  const auto name_in_search = [&] {
    const auto items = items_of(fx->api.search_raw("lat=" + decimal(a.lat) + "&lng=" + decimal(a.lng)));
    return items.size() == 1 ? std::string(items[0].at("fullName").as_string()) : std::string("?");
  };
  ASSERT_TRUE(eventually([&] { return name_in_search() == "Before"; }));
  fx->api.scalar("driver_db", "UPDATE drivers SET full_name = 'Behind its back' WHERE id = '" + id + "'");
  EXPECT_EQ(name_in_search(), "Before") << "served from memory";
  redis("PUBLISH drivers:profile-changed " + id);
  EXPECT_TRUE(eventually([&] { return name_in_search() == "Behind its back"; }));

  const auto token = fx->api.token(id, "driver");
  const auto r = fx->api.call("PATCH", "/v1/drivers/me", token, json::object{{"fullName", "After"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(name_in_search(), "After");
  EXPECT_GT(metric(fx->stack.driver_port, "driver_summary_cache_total", {R"(result="hit")"}), 0);
}

TEST(Drivers, GoingOfflineRemovesTheDriverAtOnce) {
  const auto a = area(2);
  const auto id = fx->api.online_driver(a.lat, a.lng);
  ASSERT_TRUE(contains(fx->api.search(a.lat, a.lng), id));
  ASSERT_EQ(fx->api.set_status(id, false), 200);
  EXPECT_FALSE(contains(fx->api.search(a.lat, a.lng), id));  // no waiting
  EXPECT_EQ(redis("ZSCORE drivers:free " + id), "");
  EXPECT_EQ(redis("ZSCORE drivers:online " + id), "");
  // An offline driver's pings are refused.
  const auto ping = fx->api.call("PUT", "/v1/drivers/me/location", fx->api.token(id, "driver"), R"({"lat":1,"lng":2})");
  EXPECT_EQ(ping.status, 409);
  EXPECT_EQ(str(body_of(ping), "code"), "conflict");
  EXPECT_FALSE(contains(fx->api.search(a.lat, a.lng), id));

  const auto me = body_of(fx->api.call("GET", "/v1/drivers/me", fx->api.token(id, "driver")));
  EXPECT_EQ(me.at("status").at("availability").as_string(), "offline");

  ASSERT_EQ(fx->api.set_status(id, true), 200);
  EXPECT_EQ(fx->api.ping(id, a.lat, a.lng), 204);
  EXPECT_TRUE(contains(fx->api.search(a.lat, a.lng), id));
}

TEST(Drivers, StaleDriversExpireAndComeBackWithTheNextPing) {
  const auto a = area(3);
  const auto id = fx->api.online_driver(a.lat, a.lng);
  const auto keeps_pinging = fx->api.online_driver(a.lat + 0.001, a.lng);
  ASSERT_TRUE(contains(fx->api.search(a.lat, a.lng), id));
  const auto silent_since = std::chrono::steady_clock::now();
  // One driver keeps pinging, the other is silent.
  EXPECT_TRUE(eventually(
      [&] {
        EXPECT_EQ(fx->api.ping(keeps_pinging, a.lat + 0.001, a.lng), 204);
        return !contains(fx->api.search(a.lat, a.lng), id);
      },
      std::chrono::seconds(kStaleSeconds + 5)));
  EXPECT_GE(std::chrono::steady_clock::now() - silent_since, std::chrono::seconds(kStaleSeconds - 1));
  EXPECT_TRUE(contains(fx->api.search(a.lat, a.lng), keeps_pinging));
  // The sweeper takes it out of every set (it stays online in Postgres).
  fx->api.run_task("driver-index-sweep");
  EXPECT_EQ(redis("ZSCORE drivers:heartbeat " + id), "");
  EXPECT_EQ(redis("ZSCORE drivers:free " + id), "");
  EXPECT_EQ(redis("HGET drivers:pos " + id), "");
  EXPECT_EQ(fx->api.ping(id, a.lat, a.lng), 204);
  EXPECT_TRUE(contains(fx->api.search(a.lat, a.lng), id));
}

// More silent drivers in the way than one look reads (the search reads
// heartbeats `limit` at a time, then 64 at a time, and widens its COUNT):
// the fresh drivers behind them are still found, nearest first.
TEST(Drivers, ManyStaleDriversInTheWayDoNotHideFreshOnes) {
  const auto a = area(12);
  std::vector<std::string> stale;
  for (int i = 0; i < 90; ++i) stale.push_back(fx->api.online_driver(a.lat + 0.00001 * i, a.lng));
  const auto nearer = fx->api.online_driver(a.lat + 0.004, a.lng);
  const auto farther = fx->api.online_driver(a.lat + 0.006, a.lng);
  // Silent for an hour as far as the index knows (the sweeper is not run):
  // one command for all of them, and the two fresh drivers ping again after
  // it, so however slow the machine, only the 90 are stale when searched.
  std::string silence = "ZADD drivers:heartbeat XX CH";
  for (const auto& id : stale) silence += " 1000 " + id;
  ASSERT_EQ(redis(silence), std::to_string(stale.size()));
  ASSERT_EQ(fx->api.ping(nearer, a.lat + 0.004, a.lng), 204);
  ASSERT_EQ(fx->api.ping(farther, a.lat + 0.006, a.lng), 204);
  EXPECT_EQ(fx->api.search(a.lat, a.lng, 3000, 10), (std::vector<std::string>{nearer, farther}));
  EXPECT_EQ(fx->api.search(a.lat, a.lng, 3000, 1), (std::vector<std::string>{nearer}));
}

TEST(Drivers, ADriverOnATripIsNotReturned) {
  const auto a = area(4);
  const auto busy = fx->api.online_driver(a.lat, a.lng);
  const auto free = fx->api.online_driver(a.lat + 0.003, a.lng);
  ASSERT_EQ(fx->api.search(a.lat, a.lng), (std::vector<std::string>{busy, free}));

  const auto trip = new_uuid();
  const auto r = reserve(busy, trip);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(body_of(r).at("reserved").as_bool());
  EXPECT_EQ(fx->api.search(a.lat, a.lng), (std::vector<std::string>{free}));
  EXPECT_EQ(trip_of(busy), trip);
  EXPECT_EQ(redis("GET driver:" + busy + ":trip"), trip);
  // Still busy after its next ping.
  EXPECT_EQ(fx->api.ping(busy, a.lat, a.lng), 204);
  EXPECT_EQ(fx->api.search(a.lat, a.lng), (std::vector<std::string>{free}));

  EXPECT_EQ(reserve(busy, trip).status, 200);  // the same trip again: idempotent
  EXPECT_EQ(reserve(busy, new_uuid()).status, 409);
  EXPECT_EQ(release(busy, new_uuid()).status, 409);

  const auto released = release(busy, trip);
  ASSERT_EQ(released.status, 200) << released.body;
  EXPECT_EQ(fx->api.search(a.lat, a.lng), (std::vector<std::string>{busy, free}));
  EXPECT_EQ(trip_of(busy), "");
  EXPECT_EQ(release(busy, trip).status, 409);

  // Not free: offline, never pinged, unknown, malformed.
  const auto offline = fx->api.create_driver();
  EXPECT_EQ(reserve(offline, new_uuid()).status, 409);
  EXPECT_EQ(reserve(new_uuid(), new_uuid()).status, 404);
  EXPECT_EQ(reserve("nope", new_uuid()).status, 404);
  EXPECT_EQ(fx->api.internal("POST", "/internal/drivers/" + free + "/reserve", R"({"trip":"x"})").status, 400);
  EXPECT_EQ(http_request(fx->stack.driver_port, "POST", "/internal/drivers/" + free + "/reserve",
                         json::serialize(json::object{{"tripId", new_uuid()}}))
                .status,
            401);
  // A driver reserved while offline-in-between stays reserved when it returns.
  const auto trip2 = new_uuid();
  ASSERT_EQ(reserve(free, trip2).status, 200);
  ASSERT_EQ(fx->api.set_status(free, false), 200);
  ASSERT_EQ(fx->api.set_status(free, true), 200);
  EXPECT_EQ(fx->api.ping(free, a.lat + 0.003, a.lng), 204);
  EXPECT_EQ(fx->api.search(a.lat, a.lng), (std::vector<std::string>{busy}));
  EXPECT_EQ(release(free, trip2).status, 200);
  EXPECT_EQ(fx->api.search(a.lat, a.lng), (std::vector<std::string>{busy, free}));
}

TEST(Drivers, ConcurrentReservationsPickOneTrip) {
  const auto a = area(5);
  const auto id = fx->api.online_driver(a.lat, a.lng);
  std::vector<std::string> trips(8);
  for (auto& t : trips) t = new_uuid();
  std::vector<int> statuses(trips.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < trips.size(); ++i) {
    threads.emplace_back([&, i] { statuses[i] = reserve(id, trips[i]).status; });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), static_cast<long>(trips.size() - 1));
  const auto winner = trips[std::find(statuses.begin(), statuses.end(), 200) - statuses.begin()];
  EXPECT_EQ(trip_of(id), winner);
  EXPECT_EQ(release(id, winner).status, 200);
}

TEST(Drivers, IndexIsRebuiltAfterFlushallAndRestart) {
  const auto a = area(6);
  const auto free = fx->api.online_driver(a.lat, a.lng);
  const auto busy = fx->api.online_driver(a.lat + 0.002, a.lng);
  const auto trip = new_uuid();
  ASSERT_EQ(reserve(busy, trip).status, 200);
  flush_history();
  ASSERT_TRUE(flushed(free) && flushed(busy));

  ASSERT_EQ(redis("FLUSHALL"), "OK");
  EXPECT_FALSE(contains(fx->api.search(a.lat, a.lng), free));
  fx->stack.stop("driver-service");
  fx->stack.start("driver-service");
  EXPECT_EQ(fx->api.search(a.lat, a.lng), (std::vector<std::string>{free}));
  EXPECT_EQ(redis("GET driver:" + busy + ":trip"), trip);
  EXPECT_EQ(redis("SISMEMBER drivers:available " + busy), "1");
  ASSERT_EQ(release(busy, trip).status, 200);
  EXPECT_EQ(fx->api.search(a.lat, a.lng), (std::vector<std::string>{free, busy}));
}

TEST(Drivers, PingsHealTheIndexAfterAFlushWithoutRestart) {
  const auto a = area(7);
  const auto free = fx->api.online_driver(a.lat, a.lng);
  const auto busy = fx->api.online_driver(a.lat + 0.002, a.lng);
  const auto trip = new_uuid();
  ASSERT_EQ(reserve(busy, trip).status, 200);
  ASSERT_EQ(redis("FLUSHALL"), "OK");
  // The next ping restores availability and the reservation from Postgres.
  EXPECT_EQ(fx->api.ping(free, a.lat, a.lng), 204);
  EXPECT_EQ(fx->api.ping(busy, a.lat + 0.002, a.lng), 204);
  EXPECT_EQ(fx->api.search(a.lat, a.lng), (std::vector<std::string>{free}));
  EXPECT_EQ(redis("GET driver:" + busy + ":trip"), trip);
  ASSERT_EQ(release(busy, trip).status, 200);
}

TEST(Drivers, LocationHistoryReachesPostgresInBatches) {
  const auto a = area(8);
  const auto id = fx->api.online_driver(a.lat, a.lng);
  flush_history();
  ASSERT_TRUE(flushed(id));
  const double batches_before = metric(fx->stack.driver_port, "driver_location_flush_seconds_count");
  const int pings = 30;
  for (int i = 1; i <= pings; ++i) {
    const auto body = json::serialize(json::object{{"lat", a.lat + i * 0.0001},
                                                   {"lng", a.lng},
                                                   {"heading", 90},
                                                   {"speedKmh", 20.5},
                                                   {"recordedAt", "2026-01-01T00:00:00.000Z"}});
    ASSERT_EQ(fx->api.call("PUT", "/v1/drivers/me/location", fx->api.token(id, "driver"), body).status, 204);
  }
  const std::string count_sql = "SELECT count(*) FROM driver_locations WHERE driver_id = '" + id + "'";
  flush_history();
  EXPECT_EQ(fx->api.scalar("driver_db", count_sql), std::to_string(pings + 1));
  EXPECT_EQ(fx->api.scalar("driver_db", "SELECT count(*) FROM driver_locations WHERE driver_id = '" + id +
                                            "' AND heading = 90 AND speed_kmh = 20.5 AND recorded_at = '2026-01-01Z'"),
            std::to_string(pings));
  // The latest position, by receive time.
  EXPECT_EQ(fx->api.scalar("driver_db", "SELECT lat = " + decimal(a.lat + pings * 0.0001) +
                                            "::float8 FROM driver_last_locations WHERE driver_id = '" + id + "'"),
            "t");
  // One statement for all the pings of a flush (below LOCATION_BATCH_SIZE).
  const double batches = metric(fx->stack.driver_port, "driver_location_flush_seconds_count") - batches_before;
  EXPECT_EQ(batches, 1);
  EXPECT_GE(metric(fx->stack.driver_port, "driver_location_flushed_total"), pings);
  EXPECT_EQ(metric(fx->stack.driver_port, "driver_location_dropped_total"), 0);
  // GET /v1/drivers/me shows the live position.
  const auto me = body_of(fx->api.call("GET", "/v1/drivers/me", fx->api.token(id, "driver")));
  EXPECT_DOUBLE_EQ(me.at("location").at("lat").to_number<double>(), a.lat + pings * 0.0001);
}

TEST(Drivers, RoleChecks) {
  const auto a = area(9);
  const auto id = fx->api.online_driver(a.lat, a.lng);
  const auto other = fx->api.online_driver(a.lat, a.lng + 0.001);
  const std::string ping = R"({"lat":1,"lng":2})";
  // Location updates: the calling driver only.
  EXPECT_EQ(fx->api.call("PUT", "/v1/drivers/me/location", fx->api.token(id, "rider"), ping).status, 403);
  EXPECT_EQ(fx->api.call("PUT", "/v1/drivers/me/location", fx->api.token(id, "admin"), ping).status, 403);
  EXPECT_EQ(fx->api.call("PUT", "/v1/drivers/me/location", {}, ping).status, 401);
  EXPECT_EQ(fx->api.call("PUT", "/v1/drivers/me/location", fx->api.token("driver"), ping).status, 404);
  // Status: that driver or an admin; anyone else 403, whether the id exists or not.
  const std::string online = R"({"status":"online"})";
  EXPECT_EQ(fx->api.call("PATCH", "/v1/drivers/" + other + "/status", fx->api.token(id, "driver"), online).status, 403);
  EXPECT_EQ(fx->api.call("PATCH", "/v1/drivers/" + other + "/status", fx->api.token(other, "rider"), online).status,
            403);
  EXPECT_EQ(fx->api.call("PATCH", "/v1/drivers/" + new_uuid() + "/status", fx->api.token(id, "rider"), online).status,
            403);
  EXPECT_EQ(fx->api.call("PATCH", "/v1/drivers/" + other + "/status", {}, online).status, 401);
  const auto by_admin =
      fx->api.call("PATCH", "/v1/drivers/" + other + "/status", fx->api.token("admin"), R"({"status":"offline"})");
  ASSERT_EQ(by_admin.status, 200) << by_admin.body;
  EXPECT_EQ(body_of(by_admin).at("status").at("availability").as_string(), "offline");
  EXPECT_EQ(fx->api.call("PATCH", "/v1/drivers/" + new_uuid() + "/status", fx->api.token("admin"), online).status, 404);
  EXPECT_EQ(fx->api.call("PATCH", "/v1/drivers/not-a-uuid/status", fx->api.token("admin"), online).status, 404);
  EXPECT_EQ(fx->api.call("PATCH", "/v1/drivers/me/status", fx->api.token(other, "driver"), online).status, 200);
  const auto bad =
      fx->api.call("PATCH", "/v1/drivers/me/status", fx->api.token(other, "driver"), R"({"status":"busy"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(str(body_of(bad), "field"), "status");
  // Search: riders and admins.
  EXPECT_EQ(fx->api.search_raw("lat=1&lng=2", "driver").status, 403);
  EXPECT_EQ(fx->api.call("GET", "/v1/drivers/search?lat=1&lng=2").status, 401);
  EXPECT_TRUE(contains(fx->api.search(a.lat, a.lng), id));
}

TEST(Drivers, BadLocationInputIs400) {
  const auto a = area(10);
  const auto id = fx->api.online_driver(a.lat, a.lng);
  const auto token = fx->api.token(id, "driver");
  const auto put = [&](const std::string& body) { return fx->api.call("PUT", "/v1/drivers/me/location", token, body); };
  const std::pair<const char*, const char*> cases[] = {
      {R"({"lat":91,"lng":2})", "lat"},
      {R"({"lat":-86,"lng":2})", "lat"},
      {R"({"lat":"10","lng":2})", "lat"},
      {R"({"lng":2})", "lat"},
      {R"({"lat":10})", "lng"},
      {R"({"lat":10,"lng":-180.5})", "lng"},
      {R"({"lat":10,"lng":2,"heading":400})", "heading"},
      {R"({"lat":10,"lng":2,"speedKmh":-1})", "speedKmh"},
      {R"({"lat":10,"lng":2,"recordedAt":"soon"})", "recordedAt"},
      {R"({"lat":10,"lng":2,"recordedAt":"2999-01-01T00:00:00Z"})", "recordedAt"},
  };
  for (const auto& [body, field] : cases) {
    const auto r = put(body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(str(body_of(r), "code"), "validation_failed") << body;
    EXPECT_EQ(str(body_of(r), "field"), field) << body;
  }
  EXPECT_EQ(str(body_of(put("{oops")), "code"), "invalid_json");
  EXPECT_EQ(put("[]").status, 400);
  // None of that moved the driver.
  EXPECT_TRUE(contains(fx->api.search(a.lat, a.lng, 100), id));
}

TEST(Drivers, BadSearchInputIs400OrClamped) {
  const std::pair<const char*, const char*> cases[] = {
      {"lng=106.7", "lat"},
      {"lat=10.7", "lng"},
      {"lat=abc&lng=106.7", "lat"},
      {"lat=&lng=106.7", "lat"},
      {"lat=1e999&lng=106.7", "lat"},
      {"lat=NaN&lng=106.7", "lat"},
      {"lat=90.5&lng=106.7", "lat"},
      {"lat=10&lng=181", "lng"},
      {"lat=10&lng=106.7abc", "lng"},
      {"lat=10&lng=106&radius=0", "radius"},
      {"lat=10&lng=106&radius=-5", "radius"},
      {"lat=10&lng=106&radius=wide", "radius"},
      {"lat=10&lng=106&limit=0", "limit"},
      {"lat=10&lng=106&limit=-3", "limit"},
      {"lat=10&lng=106&limit=2.5", "limit"},
  };
  for (const auto& [query, field] : cases) {
    const auto r = fx->gateway.call("GET", std::string("/v1/drivers/search?") + query, fx->gateway.token("rider"));
    EXPECT_EQ(r.status, 400) << query << " " << r.body;
    EXPECT_EQ(str(body_of(r), "field"), field) << query;
  }
  // Huge radius and limit are clamped to 20000 m and 50.
  const auto a = area(11);
  std::vector<std::string> ids;
  for (int i = 0; i < 52; ++i) ids.push_back(fx->api.online_driver(a.lat + 0.0001 * i, a.lng));
  const auto wide = fx->api.search_raw("lat=" + decimal(a.lat) + "&lng=" + decimal(a.lng) +
                                       "&radius=99999999&limit=99999999999999999999");
  ASSERT_EQ(wide.status, 200) << wide.body;
  EXPECT_EQ(items_of(wide).size(), 50u);
  // 25 km away: beyond the 20 km maximum even when asking for 30 km.
  EXPECT_TRUE(fx->api.search(a.lat + 0.0001 * 51 + 0.225, a.lng, 30000).empty());
  EXPECT_FALSE(fx->api.search(a.lat + 0.0001 * 51 + 0.17, a.lng, 30000).empty());
  // Near the pole (beyond what Redis GEO indexes): an empty answer, no error.
  EXPECT_TRUE(fx->api.search(89.9, 0).empty());
  EXPECT_EQ(http_request(fx->stack.driver_port, "GET", "/health").status, 200);
}

TEST(Drivers, RegisterThroughTheGatewayCreatesAccountAndProfile) {
  const auto email = "driver-" + new_uuid().substr(0, 8) + "@example.com";
  const auto plate = new_plate();
  json::object body{
      {"name", "Pham Van E"},
      {"email", email},
      {"phone", "+84 912 345 678"},
      {"password", "correct horse"},
      {"licenseNumber", "B2-9999"},
      {"vehicle",
       {{"make", "Yamaha"}, {"model", "Exciter"}, {"color", "blue"}, {"year", 2023}, {"plateNumber", plate}}}};
  const auto r = fx->gateway.call("POST", "/v1/drivers/register", {}, body);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto session = body_of(r);
  EXPECT_EQ(session.at("role").as_string(), "driver");
  const std::string id(session.at("id").as_string());
  const std::string token(session.at("accessToken").as_string());
  EXPECT_FALSE(std::string(session.at("refreshToken").as_string()).empty());

  const auto me = fx->gateway.call("GET", "/v1/drivers/me", token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(body_of(me).at("id").as_string(), id);
  EXPECT_EQ(body_of(me).at("fullName").as_string(), "Pham Van E");
  EXPECT_EQ(body_of(me).at("vehicle").at("plateNumber").as_string(), plate);
  EXPECT_EQ(fx->api.scalar("user_db", "SELECT role FROM users WHERE id = '" + id + "'"), "driver");

  const auto users_with = [](const std::string& e) {
    return fx->api.scalar("user_db", "SELECT count(*) FROM users WHERE email = '" + e + "'");
  };
  // Same email again: 409 from user-service.
  EXPECT_EQ(fx->gateway.call("POST", "/v1/drivers/register", {}, body).status, 409);

  // The plate is taken: driver-service refuses, and no account is left behind.
  body["email"] = "second-" + email;
  const auto dup = fx->gateway.call("POST", "/v1/drivers/register", {}, body);
  EXPECT_EQ(dup.status, 409) << dup.body;
  EXPECT_EQ(users_with("second-" + email), "0");

  // A bad vehicle field is named (as driver-service reports it); nothing written.
  body["vehicle"].as_object()["plateNumber"] = new_plate();
  body["vehicle"].as_object()["year"] = 1700;
  const auto bad = fx->gateway.call("POST", "/v1/drivers/register", {}, body);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(str(body_of(bad), "field"), "vehicle.year");
  EXPECT_EQ(users_with("second-" + email), "0");
  body["vehicle"].as_object()["year"] = 2020;
  json::object no_phone = body;
  no_phone.erase("phone");
  EXPECT_EQ(str(body_of(fx->gateway.call("POST", "/v1/drivers/register", {}, json::serialize(no_phone))), "field"),
            "phone");
  json::object bad_vehicle = body;
  bad_vehicle["vehicle"] = "a car";
  EXPECT_EQ(str(body_of(fx->gateway.call("POST", "/v1/drivers/register", {}, json::serialize(bad_vehicle))), "field"),
            "vehicle");

  // driver-service down: 503 and no account.
  fx->stack.stop("driver-service");
  const auto down = fx->gateway.call("POST", "/v1/drivers/register", {}, body);
  fx->stack.start("driver-service");
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(users_with("second-" + email), "0");

  // And once it is back, the same request succeeds.
  const auto ok = fx->gateway.call("POST", "/v1/drivers/register", {}, body);
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(users_with("second-" + email), "1");
}

}  // namespace
}  // namespace uitgo::test::drivers
