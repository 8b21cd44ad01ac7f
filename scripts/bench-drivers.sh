#!/usr/bin/env bash
# Driver search and location-update throughput on a private stack:
#   1. starts postgres, redis and driver-service (DRIVER_SEARCH=geo) with
#      scripts/stack.sh in UITGO_RUN_DIR;
#   2. seeds N online drivers at random points over Ho Chi Minh City
#      (lat 10.70-10.85, lng 106.60-106.80) through the API;
#   3. measures GET /v1/drivers/search (radius 3000 m, limit 10, random points)
#      in GEO mode, restarts driver-service with DRIVER_SEARCH=sql and measures
#      search again, then PUT /v1/drivers/me/location (random drivers and
#      points), then SQL search once more (after the upsert churn);
#   4. next to each search run, raw `redis-benchmark -n 20000 -c 32 GEOSEARCH
#      drivers:free FROMLONLAT 106.70 10.77 BYRADIUS 3 km ASC COUNT 10` on the
#      same key, and prints the ratio;
#   5. purges the run dir (unless BENCH_KEEP=1).
# Load generator and servers share this machine's cores: the figures compare
# costs, they are not capacities.
#
# usage: UITGO_RUN_DIR=/tmp/x UITGO_PG_PORT=.. UITGO_REDIS_PORT=.. UITGO_DRIVER_PORT=.. \
#          scripts/bench-drivers.sh [seconds=15] [connections=32] [drivers=10000]
# environment: UITGO_BIN (default build/uitgo), DRIVER_LOAD (default: driver_load next to UITGO_BIN, in bench/)
set -euo pipefail

seconds=${1:-15}
connections=${2:-32}
drivers=${3:-10000}

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
use_private_stack
lift_per_user_limits
require_uitgo_bin
require_bench_tool driver_load
require_tools redis-benchmark
purge_stack_on_exit

# Drivers must not age out between seeding and the last run.
export DRIVER_STALE_SECONDS=3600 LOG_LEVEL=warn
DRIVER_SEARCH=geo stack up postgres redis driver-service >/dev/null

# driver_load MODE ARGS...: the load tool against driver-service.
driver_load() { "$DRIVER_LOAD" "$1" --port "$(stack_port DRIVER)" --secrets "$STACK_SECRETS" "${@:2}"; }
search() { driver_load search --seconds "$seconds" --connections "$connections"; }

# "<req/s> <p50> <p95> <p99>" from a driver_load line.
parse_load() {
  sed -E 's/.*= ([0-9.]+) req\/s, p50 ([0-9.]+) ms, p95 ([0-9.]+) ms, p99 ([0-9.]+) ms.*/\1 \2 \3 \4/' <<<"$1"
}

echo "$(run_stamp); $drivers drivers; ${seconds}s per run, $connections connections"
driver_load seed --drivers "$drivers" --connections "$connections"
sleep 2 # the history batch writer flushes every second
echo "online drivers in drivers:free: $(stack_redis ZCARD drivers:free)"

geo_line=$(search)
echo "$geo_line"
read -r geo_raw_rps geo_raw_p50 geo_raw_p95 geo_raw_p99 < <(raw_geosearch)

stack stop driver-service >/dev/null # graceful: flushes the history buffer
DRIVER_SEARCH=sql stack start driver-service >/dev/null
sql_line=$(search)
echo "$sql_line"
read -r sql_raw_rps sql_raw_p50 sql_raw_p95 sql_raw_p99 < <(raw_geosearch)

# Last: the pings' upserts of driver_last_locations leave dead rows behind that
# slow the SQL search until autovacuum catches up (the search mode does not
# matter for location updates).
loc_line=$(driver_load locations --drivers "$drivers" --seconds "$seconds" --connections "$connections")
echo "$loc_line"
sql_after_line=$(search)
echo "$sql_after_line"
read -r after_raw_rps after_raw_p50 after_raw_p95 after_raw_p99 < <(raw_geosearch)

read -r geo_rps geo_p50 geo_p95 geo_p99 < <(parse_load "$geo_line")
read -r sql_rps sql_p50 sql_p95 sql_p99 < <(parse_load "$sql_line")
read -r loc_rps loc_p50 loc_p95 loc_p99 < <(parse_load "$loc_line")
read -r after_rps after_p50 after_p95 after_p99 < <(parse_load "$sql_after_line")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo
echo "| run | requests/s | p50 ms | p95 ms | p99 ms | vs raw GEOSEARCH (same run) |"
echo "|---|---|---|---|---|---|"
echo "| search, DRIVER_SEARCH=geo | $geo_rps | $geo_p50 | $geo_p95 | $geo_p99 | $(ratio "$geo_rps" "$geo_raw_rps") |"
echo "| raw redis-benchmark GEOSEARCH 3 km (after geo run) | $geo_raw_rps | $geo_raw_p50 | $geo_raw_p95 | $geo_raw_p99 | 1 |"
echo "| search, DRIVER_SEARCH=sql | $sql_rps | $sql_p50 | $sql_p95 | $sql_p99 | $(ratio "$sql_rps" "$sql_raw_rps") |"
echo "| raw redis-benchmark GEOSEARCH 3 km (after sql run) | $sql_raw_rps | $sql_raw_p50 | $sql_raw_p95 | $sql_raw_p99 | 1 |"
echo "| location updates (PUT /v1/drivers/me/location) | $loc_rps | $loc_p50 | $loc_p95 | $loc_p99 | $(ratio "$loc_rps" "$sql_raw_rps") |"
echo "| search, DRIVER_SEARCH=sql, after the location updates | $after_rps | $after_p50 | $after_p95 | $after_p99 | $(ratio "$after_rps" "$after_raw_rps") |"
echo "| raw redis-benchmark GEOSEARCH 3 km (after that run) | $after_raw_rps | $after_raw_p50 | $after_raw_p95 | $after_raw_p99 | 1 |"
