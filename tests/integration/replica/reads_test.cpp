// Trip reads and the read replica (SPEC "Read replica"), through the gateway
// in front of two trip-service instances:
//   - a reader without recent writes is served by the replica (stale while
//     replay is paused, fresh once it resumes);
//   - a rider who just wrote sees the write on its next reads, whichever
//     instance serves them, while replay is paused;
//   - reads survive a stopped replica, and a stopped Redis (primary fallback);
//   - the lag gauges are exported.
// Replay is paused with pg_wal_replay_pause() on the replica: no timing involved.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/api.hpp"
#include "support/eventually.hpp"
#include "support/ids.hpp"
#include "support/json.hpp"
#include "support/metrics.hpp"
#include "support/shared_environment.hpp"
#include "trips/trip_api.hpp"

namespace uitgo::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kCatchUp = 30s;  // the replica catching up, a gauge refreshing

struct Fixture {
  TestStack stack{StackOptions{.postgres = true,
                               .replica = true,
                               .redis = true,
                               .services = true,
                               .nginx = true,
                               .trip_instances = 2,
                               // The lag gauges refresh quickly; trips wait for
                               // drivers longer than the tests run.
                               .env = {{"TRIP_MAINTENANCE_MS", "200"}, {"MATCH_DEADLINE_SECONDS", "3600"}}}};
  Api gateway{stack, stack.gateway_port};
};

Fixture* fx = nullptr;
const auto* const environment = share_per_binary(fx, [] { return std::make_unique<Fixture>(); });

std::string primary_sql(const std::string& query) { return scalar(fx->stack.dsn("trip_db"), query); }
std::string replica_sql(const std::string& query) { return scalar(fx->stack.replica_dsn("trip_db"), query); }

// Replay stays paused on the replica while this lives.
class PausedReplay {
 public:
  PausedReplay() {
    replica_sql("SELECT pg_wal_replay_pause()");
    EXPECT_TRUE(eventually([] { return replica_sql("SELECT pg_get_wal_replay_pause_state()") == "paused"; }, kCatchUp));
  }
  ~PausedReplay() {
    try {
      replica_sql("SELECT pg_wal_replay_resume()");
    } catch (const SqlError& e) {
      ADD_FAILURE() << "replay not resumed: " << e.what();
    }
  }
  PausedReplay(const PausedReplay&) = delete;
  PausedReplay& operator=(const PausedReplay&) = delete;
};

// The sum over every trip-service instance of the series of `name` whose
// labels contain all of `labels` (e.g. reason="read_your_writes").
double trip_metric(const std::string& name, const std::vector<std::string>& labels = {}) {
  double sum = 0;
  for (const auto port : fx->stack.trip_ports) sum += test::metric(port, name, labels, /*absent=*/0);
  return sum;
}
bool exported(const std::string& name) { return test::metric(fx->stack.trip_port, name) >= 0; }

std::string rider_token(const std::string& id) { return fx->gateway.token(id, "rider"); }

std::string create_trip(const std::string& token, const std::string& dest) {
  auto body = trips::trip_body("", false);
  body["originText"] = "Ben Thanh";
  body["destText"] = dest;
  return str(trips::create_trip(fx->gateway, token, body), "id");
}

// GET /v1/trips/{id}: the field `key`, or "<status>" when not 200.
std::string trip_field(const std::string& id, const std::string& token, const char* key) {
  const auto r = fx->gateway.call("GET", "/v1/trips/" + id, token);
  if (r.status != 200) return "<" + std::to_string(r.status) + ">";
  const json::value v = body_of(r).at(key);
  return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

// GET /v1/trips: ids of the caller's trips (empty on failure).
std::vector<std::string> listed(const std::string& token) {
  const auto r = fx->gateway.call("GET", "/v1/trips?limit=100", token);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? ids_of(r) : std::vector<std::string>{};
}

// A trip written straight into the primary (as another actor would), visible
// on the replica when this returns.
std::string insert_trip(const std::string& rider, const std::string& dest) {
  const auto id = primary_sql("INSERT INTO trips (rider_id, status, origin_text, dest_text, service_id) VALUES ('" +
                              rider + "', 'requested', 'Ben Thanh', '" + dest + "', 'car') RETURNING id::text");
  EXPECT_TRUE(
      eventually([&] { return replica_sql("SELECT count(*) FROM trips WHERE id = '" + id + "'") == "1"; }, kCatchUp));
  return id;
}

TEST(ReplicaReads, ReadersWithoutRecentWritesAreServedByTheReplica) {
  const auto rider = new_uuid();
  const auto token = rider_token(rider);
  const auto id = insert_trip(rider, "Old destination");
  ASSERT_EQ(trip_field(id, token, "destText"), "Old destination");
  const double replica_reads = trip_metric("trip_reads_total", {"target=\"replica\""});
  {
    PausedReplay paused;
    primary_sql("UPDATE trips SET dest_text = 'New destination' WHERE id = '" + id + "'");
    // The replica has not replayed the UPDATE: every read of this rider shows the old row.
    for (int i = 0; i < 4; ++i) EXPECT_EQ(trip_field(id, token, "destText"), "Old destination");
    EXPECT_EQ(listed(token), std::vector<std::string>{id});
    EXPECT_GE(trip_metric("trip_reads_total", {"target=\"replica\""}), replica_reads + 5);
  }
  EXPECT_TRUE(eventually([&] { return trip_field(id, token, "destText") == "New destination"; }, kCatchUp));
}

TEST(ReplicaReads, ARiderSeesItsOwnWritesWhileTheReplicaLags) {
  const auto rider = new_uuid();
  const auto token = rider_token(rider);
  const auto admin = fx->gateway.token("admin");
  const double ryw_reads = trip_metric("trip_reads_total", {"target=\"primary\"", "reason=\"read_your_writes\""});
  PausedReplay paused;

  const auto id = create_trip(token, "Written while paused");
  ASSERT_FALSE(id.empty());
  // Its rider reads it at once, on either instance (the primary serves it)...
  for (int i = 0; i < 4; ++i) EXPECT_EQ(trip_field(id, token, "destText"), "Written while paused");
  EXPECT_EQ(listed(token), std::vector<std::string>{id});
  // ...while a reader without writes of its own is served by the lagging replica.
  EXPECT_EQ(trip_field(id, admin, "destText"), "<404>");

  const auto r = trips::set_status(fx->gateway, token, id, "cancelled");
  ASSERT_EQ(r.status, 200) << r.body;
  for (int i = 0; i < 4; ++i) EXPECT_EQ(trip_field(id, token, "status"), "cancelled");
  EXPECT_GE(trip_metric("trip_reads_total", {"target=\"primary\"", "reason=\"read_your_writes\""}), ryw_reads + 9);
}

TEST(ReplicaReads, ReplicaLagIsExported) {
  EXPECT_TRUE(exported("trip_replica_lag_bytes"));
  EXPECT_TRUE(exported("trip_replica_lag_seconds"));
  EXPECT_TRUE(eventually([] { return trip_metric("trip_replica_up") == 2; }, kCatchUp));
  {
    PausedReplay paused;
    primary_sql("INSERT INTO trips (rider_id, status, origin_text, dest_text, service_id) VALUES ('" + new_uuid() +
                "', 'requested', 'A', 'B', 'car')");
    EXPECT_TRUE(eventually([] { return trip_metric("trip_replica_lag_bytes") > 0; }, kCatchUp));
  }
  EXPECT_TRUE(eventually([] { return trip_metric("trip_replica_lag_bytes") == 0; }, kCatchUp));
}

TEST(ReplicaReads, ReadsFallBackToThePrimaryWhenTheReplicaIsDown) {
  const auto rider = new_uuid();
  const auto token = rider_token(rider);
  const auto id = insert_trip(rider, "Before the outage");
  fx->stack.stop("replica");
  primary_sql("UPDATE trips SET dest_text = 'During the outage' WHERE id = '" + id + "'");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(trip_field(id, token, "destText"), "During the outage");
  EXPECT_EQ(listed(token), std::vector<std::string>{id});
  EXPECT_GE(trip_metric("trip_reads_total", {"reason=\"replica_error\""}), 1);
  EXPECT_TRUE(eventually([] { return trip_metric("trip_replica_up") == 0; }, kCatchUp));
  // Not a readiness condition: every instance stays in rotation.
  for (const auto port : fx->stack.trip_ports) EXPECT_EQ(http_request(port, "GET", "/ready").status, 200);
  // Writes work too, and their author reads them.
  const auto created = create_trip(token, "Created during the outage");
  EXPECT_EQ(trip_field(created, token, "destText"), "Created during the outage");

  fx->stack.start("replica");
  EXPECT_TRUE(eventually([] { return trip_metric("trip_replica_up") == 2; }, kCatchUp));
  // Back on the replica once it has caught up.
  const double replica_reads = trip_metric("trip_reads_total", {"target=\"replica\""});
  EXPECT_TRUE(eventually(
      [&] {
        return trip_field(created, token, "destText") == "Created during the outage" &&
               trip_metric("trip_reads_total", {"target=\"replica\""}) > replica_reads;
      },
      kCatchUp));
}

TEST(ReplicaReads, WithoutRedisReadsGoToThePrimary) {
  const auto rider = new_uuid();
  const auto token = rider_token(rider);
  const auto id = insert_trip(rider, "Redis outage");
  const double before = trip_metric("trip_reads_total", {"target=\"primary\"", "reason=\"memory_error\""});
  fx->stack.stop("redis");
  // Whether this rider wrote recently is unknown: the primary answers.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(trip_field(id, token, "destText"), "Redis outage");
  EXPECT_GE(trip_metric("trip_reads_total", {"target=\"primary\"", "reason=\"memory_error\""}), before + 4);
  fx->stack.start("redis");
}

}  // namespace
}  // namespace uitgo::test
