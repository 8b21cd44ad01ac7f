// Degrade, don't fail: with Redis down, driver search answers from Postgres
// (driver_search_fallback_total) and location pings still reach Postgres; when
// Redis is back the GEO index is rebuilt with what arrived meanwhile. With two
// driver-service instances behind the gateway, killing one costs no search.
#include <signal.h>

#include "drivers/driver_api.hpp"
#include "support/eventually.hpp"
#include "support/metrics.hpp"
#include "support/shared_environment.hpp"

namespace uitgo::test::drivers {
namespace {

using namespace std::chrono_literals;

struct Fixture {
  TestStack stack{
      StackOptions{.postgres = true,
                   .redis = true,
                   .services = true,
                   .nginx = true,
                   .driver_instances = 2,
                   .env = {{"LOCATION_FLUSH_MS", "60000"}, {"DRIVER_SWEEP_MS", "60000"}, {"REDIS_TIMEOUT_MS", "300"}}}};
  DriverApi first{stack, stack.driver_ports.at(0)};
  DriverApi second{stack, stack.driver_ports.at(1)};
  DriverApi gateway{stack, stack.gateway_port};
};

Fixture* fx = nullptr;
const auto* const environment = share_per_binary(fx, [] { return std::make_unique<Fixture>(); });

double fallbacks(const DriverApi& api) { return metric(api.port(), "driver_search_fallback_total", {}, 0); }

TEST(DriversDegraded, SearchAndPingsGoOnWhileRedisIsDown) {
  const double lat = -20.0;
  const double lng = 30.0;
  const auto near = fx->first.online_driver(lat, lng);
  const auto far = fx->first.online_driver(lat + 0.01, lng);  // ~1.1 km
  fx->first.run_task("location-history-flush");               // their positions are in Postgres
  const double before = fallbacks(fx->first);

  fx->stack.stop("redis");
  EXPECT_EQ(fx->first.search(lat, lng), (std::vector<std::string>{near, far})) << "answered from Postgres";
  EXPECT_GT(fallbacks(fx->first), before);
  // A ping still counts: the driver moves next to the search centre.
  EXPECT_EQ(fx->first.ping(far, lat + 0.0001, lng), 204);
  fx->first.run_task("location-history-flush");
  EXPECT_EQ(
      fx->first.scalar("driver_db",
                       "SELECT round(lat::numeric, 4) FROM driver_last_locations WHERE driver_id = '" + far + "'"),
      "-19.9999");
  EXPECT_EQ(fx->first.search(lat, lng), (std::vector<std::string>{near, far})) << "the new position counts at once";

  fx->stack.start("redis");
  // The sweep finds Redis answering again and rebuilds the index from Postgres.
  // A pass may still fail at once while the Redis client's reconnect backoff
  // from the outage runs (core/redis/client.hpp); a later pass reconnects.
  EXPECT_TRUE(eventually(
      [&] { return fx->first.internal("POST", "/internal/tasks/driver-index-sweep/run").status == 200; }, 10s));
  EXPECT_EQ(fx->first.search(lat, lng), (std::vector<std::string>{near, far}));
  // A search may still fall back while the client rests after the outage;
  // some later search must be answered by the index alone.
  EXPECT_TRUE(eventually(
      [&] {
        const double before_search = fallbacks(fx->first);
        const auto found = fx->first.search(lat, lng);
        return found.size() == 2 && fallbacks(fx->first) == before_search;
      },
      10s))
      << "the GEO index answers again";
}

TEST(DriversDegraded, KillingOneInstanceCostsNoSearch) {
  const double lat = -22.0;
  const double lng = 32.0;
  const auto id = fx->first.online_driver(lat, lng);
  const auto victim = fx->stack.pid("driver-service-2");
  ASSERT_GT(victim, 0);
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  int failed = 0;
  for (int i = 0; i < 40; ++i) {
    const auto r = fx->gateway.search_raw("lat=" + decimal(lat) + "&lng=" + decimal(lng));
    if (r.status != 200) ++failed;
  }
  EXPECT_EQ(failed, 0) << "the gateway retries a refused search on the other instance";
  EXPECT_TRUE(contains(fx->gateway.search(lat, lng), id));
  fx->stack.start("driver-service-2");
}

}  // namespace
}  // namespace uitgo::test::drivers
