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

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
die() {
  echo "bench-live: $*" >&2
  exit 1
}

[[ -n "${UITGO_RUN_DIR:-}" ]] || die "set UITGO_RUN_DIR (and the UITGO_*_PORT variables) to a private stack"
[[ -n "${UITGO_TRIP_EXTRA_PORTS:-}" ]] || die "set UITGO_TRIP_EXTRA_PORTS to the port of the second trip-service"
export UITGO_BIN=${UITGO_BIN:-$REPO_DIR/build/uitgo}
load=${WS_FANOUT:-$(dirname "$UITGO_BIN")/bench/ws_fanout}
[[ -x "$UITGO_BIN" ]] || die "$UITGO_BIN not found"
[[ -x "$load" ]] || die "$load not found (build the ws_fanout target, UITGO_BUILD_BENCH=ON)"

trip_port=${UITGO_TRIP_PORT:-8082}
second_port=${UITGO_TRIP_EXTRA_PORTS%% *}
stack() { "$SCRIPT_DIR/stack.sh" "$@"; }
if [[ "${BENCH_KEEP:-0}" != 1 ]]; then trap 'stack purge >/dev/null 2>&1 || true' EXIT; fi

export LOG_LEVEL=warn WS_FORWARD_LOCATIONS=false OFFER_EXPIRY_BACKSTOP_SECONDS=0 PG_POOL_SIZE=8
stack up postgres redis trip-service trip-service-2 >/dev/null

echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores; $trips trips ($((2 * trips)) sockets), ${seconds}s," \
  "one location per driver every ${interval_ms} ms"
"$load" --ports "$trip_port,$second_port" --secrets "$UITGO_RUN_DIR/secrets.env" --trips "$trips" \
  --seconds "$seconds" --interval-ms "$interval_ms"
for port in "$trip_port" "$second_port"; do
  curl -fsS "http://127.0.0.1:$port/metrics" |
    grep -E '^(websocket_(connections|dropped_total|messages_total)|trip_live_publish_failures_total|trip_location_(flushed|dropped)_total)' |
    sed "s/^/  :$port /"
done
