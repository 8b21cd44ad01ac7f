#!/usr/bin/env bash
# WebSocket fan-out latency of live tracking on a private stack:
#   1. starts postgres, redis and two trip-service instances with
#      scripts/stack.sh in UITGO_RUN_DIR (no driver-service: locations are not
#      forwarded, WS_FORWARD_LOCATIONS=false, so the figure is trip-service +
#      Redis pub/sub alone);
#   2. runs bench/ws_fanout: N trips, each with a rider socket on one instance
#      and a driver socket on the other, one location per driver per interval;
#   3. prints the ws_fanout line plus the instances' websocket metrics, and
#      purges the run dir (unless BENCH_KEEP=1).
# Load generator and servers share this machine's cores: the figures compare
# costs, they are not capacities.
#
# usage: UITGO_RUN_DIR=/tmp/x UITGO_PG_PORT=.. UITGO_REDIS_PORT=.. UITGO_TRIP_PORT=.. UITGO_TRIP_EXTRA_PORTS=.. \
#          scripts/bench-live.sh [trips=1000] [seconds=30] [interval_ms=1000]
# environment: UITGO_BIN (default build/uitgo), WS_FANOUT (default: ws_fanout next to UITGO_BIN, in bench/)
set -euo pipefail

trips=${1:-1000}
seconds=${2:-30}
interval_ms=${3:-1000}

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
use_private_stack
lift_per_user_limits
[[ -n "${UITGO_TRIP_EXTRA_PORTS:-}" ]] || die "set UITGO_TRIP_EXTRA_PORTS to the port of the second trip-service"
require_uitgo_bin
require_bench_tool ws_fanout
trip_port=$(stack_port TRIP)
second_port=${UITGO_TRIP_EXTRA_PORTS%% *}
purge_stack_on_exit

export LOG_LEVEL=warn WS_FRAMES_PER_SECOND=0 WS_FORWARD_LOCATIONS=false OFFER_EXPIRY_BACKSTOP_SECONDS=0 PG_POOL_SIZE=8
stack up postgres redis trip-service trip-service-2 >/dev/null

echo "$(run_stamp); $trips trips ($((2 * trips)) sockets), ${seconds}s," \
  "one location per driver every ${interval_ms} ms"
"$WS_FANOUT" --ports "$trip_port,$second_port" --secrets "$STACK_SECRETS" --trips "$trips" \
  --seconds "$seconds" --interval-ms "$interval_ms"
for port in "$trip_port" "$second_port"; do
  curl -fsS "http://127.0.0.1:$port/metrics" |
    grep -E '^(websocket_(connections|dropped_total|messages_total)|trip_live_publish_failures_total|trip_location_(flushed|dropped)_total)' |
    sed "s/^/  :$port /"
done
