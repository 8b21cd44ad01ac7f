#!/usr/bin/env bash
# Trip creation and matching on a private stack (gateway, the three services,
# PostgreSQL, Redis), each phase on a fresh stack so one cannot slow the next:
#   1. time to assignment: async mode, trips paced at RATE/s for `seconds`
#      with DRIVERS drivers online (there is a free driver for every trip);
#      p50/p95 of offered_at - created_at over those trips (from trip_db);
#   2. trip creation, async vs sync (MATCHING_MODE), DRIVERS drivers online:
#      a) paced at RATE/s after one second of warm-up (every trip finds a
#         driver: the sync path pays for a whole match inside the request),
#         and async from a cold start; b) closed loop with `connections`
#         connections as fast as answers come (after the first DRIVERS trips
#         no driver is free, so sync requests end in a cheap no_driver);
#      c) async, closed loop with the driver-service processes stopped: the
#         creation path alone, without the matchers' retries of the trips
#         no driver is free for;
#   3. backlog drain: BACKLOG trips created while every driver-service
#      process (MATCHER_PROCESSES of them) is stopped, BACKLOG drivers online
#      and the matchers at DRAIN_RADIUS_METERS (default 3000, the service's
#      default and the radius of every drain figure so far: about 1.6 % of
#      the trips find no free driver that near and are scheduled for a
#      retry); then the processes start and the time until the stream's
#      backlog is gone is measured: every event of the backlog delivered
#      and settled (none of them pending), i.e. every trip offered a driver
#      or scheduled for a retry; plus how many were offered a driver;
#   4. (only when PHASES names it) waiting trips woken: WAKE_TRIPS trips
#      created while no driver is online wait WAKE_WAIT_SECONDS (their
#      retries reach MATCH_RETRY_MAX_MS, here WAKE_RETRY_MAX_MS, default
#      10000 as in the service); then WAKE_TRIPS drivers come online at
#      random points, one connection after another, and for every trip
#      offered the time from its driver going online to the offer is taken
#      (drivers.status_updated_at to trips.offered_at), p50/p95/max. Without
#      wakes that is the wait for the trip's next retry.
# Offers and the matching deadline are set to an hour so drivers stay
# reserved and nothing is cancelled while a phase runs. Load generator
# (bench/driver_load) and servers share this machine's cores.
#
# usage: UITGO_RUN_DIR=/tmp/x UITGO_PG_PORT=.. UITGO_REDIS_PORT=.. UITGO_GATEWAY_PORT=..
#          UITGO_USER_PORT=.. UITGO_TRIP_PORT=.. UITGO_DRIVER_PORT=..
#          scripts/bench-matching.sh [seconds=10] [connections=32] [drivers=1000] [rate=100] [backlog=10000]
# environment: UITGO_BIN (default build/uitgo), DRIVER_LOAD (default bench/driver_load next to UITGO_BIN),
#              MATCHER_PROCESSES=3, MATCHER_WORKERS=4 (per process),
#              PHASES="tta create drain" (which phases run, in that order; "wake" is
#              the fourth, not run by default), WAKE_TRIPS=200, WAKE_WAIT_SECONDS=25,
#              WAKE_RETRY_MAX_MS=10000,
#              DRAIN_RADIUS_METERS=3000 (the drain's MATCH_RADIUS_METERS),
#              PROFILE_DIR (profiles of the closed loops and the drain: lib.sh profile_start)
set -euo pipefail

seconds=${1:-10}
connections=${2:-32}
drivers=${3:-1000}
rate=${4:-100}
backlog=${5:-10000}
processes=${MATCHER_PROCESSES:-3}
phases=" ${PHASES:-tta create drain} "
export MATCHER_WORKERS=${MATCHER_WORKERS:-4}

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
use_private_stack
lift_per_user_limits
require_uitgo_bin
require_bench_tool driver_load
require_tools psql redis-cli
((processes >= 1)) || die "MATCHER_PROCESSES must be at least 1"

driver_port=$(stack_port DRIVER)
trap purge_stack EXIT

# Extra driver-service processes on the ports after UITGO_DRIVER_PORT + 100.
extra=""
for ((i = 1; i < processes; i++)); do extra+="$((driver_port + 100 + i)) "; done
export UITGO_DRIVER_EXTRA_PORTS="${extra% }"
driver_components="driver-service"
for ((i = 2; i <= processes; i++)); do driver_components+=" driver-service-$i"; done

export LOG_LEVEL=warn DRIVER_STALE_SECONDS=3600 OFFER_TIMEOUT_SECONDS=3600 MATCH_DEADLINE_SECONDS=3600
export MATCH_RETRY_MAX_MS=${MATCH_RETRY_MAX_MS:-2000}


# Fresh stack in MODE with N drivers online at random points over HCMC.
fresh_stack() {
  local mode=$1 n=$2
  purge_stack
  MATCHING_MODE=$mode stack up postgres redis services nginx >/dev/null 2>&1 || die "stack up failed (see $UITGO_RUN_DIR/logs)"
  "$DRIVER_LOAD" seed --port "$driver_port" --secrets "$STACK_SECRETS" --drivers "$n" --connections "$connections" >&2
}


trips() { "$DRIVER_LOAD" trips --port "$(stack_port GATEWAY)" --secrets "$STACK_SECRETS" "$@"; }

echo "$(run_stamp); $drivers drivers; $processes driver-service processes" \
  "x $MATCHER_WORKERS matcher workers"

phase() { [[ "$phases" == *" $1 "* ]]; }

if phase tta; then
fresh_stack async "$drivers"
trips --rate "$rate" --seconds "$seconds" --connections "$connections" --warmup 0 >/dev/null
sleep 2
read -r tta_p50 tta_p95 tta_n < <(assignment_times)
echo "time to assignment (async, ${rate}/s for ${seconds}s): p50 ${tta_p50} ms, p95 ${tta_p95} ms over $tta_n trips"
fi

if phase create; then
# Paced runs leave out their first second (the services open their database
# connections and prepare their statements then); the drivers cover it too.
# The async one also runs from a cold start, first second included.
fresh_stack async "$drivers"
echo "async paced from a cold start: $(trips --rate "$rate" --seconds "$seconds" --connections "$connections" --warmup 0)"
for mode in async sync; do
  fresh_stack "$mode" "$((drivers + rate))"
  echo "$mode paced:  $(trips --rate "$rate" --seconds "$seconds" --connections "$connections" --warmup 1)"
  fresh_stack "$mode" "$drivers"
  profile_start "create-$mode-closed"
  closed=$(trips --seconds "$seconds" --connections "$connections")
  profile_stop
  echo "$mode closed: $closed"
done
# The creation path alone (gateway, trip-service, Postgres, outbox relay):
# without matchers, no retries of the trips no driver is free for compete
# with it for the cores.
fresh_stack async "$drivers"
# shellcheck disable=SC2086 # one word per component
stack stop $driver_components >/dev/null
echo "async closed, matchers stopped: $(trips --seconds "$seconds" --connections "$connections")"
fi

if phase drain; then

export MATCH_RADIUS_METERS=${DRAIN_RADIUS_METERS:-3000}
fresh_stack async "$backlog"
# shellcheck disable=SC2086 # one word per component
stack stop $driver_components >/dev/null
echo "backlog: $(trips --trips "$backlog" --connections "$connections")"
wait_until "(SELECT count(*) FROM outbox WHERE sent_at IS NULL) = 0" 300 >/dev/null
backlog_last_id=$(match_stream_last_id)
started=$(date +%s.%N)
profile_start drain
# shellcheck disable=SC2086 # one word per component
stack start $driver_components >/dev/null
wait_match_backlog_settled "$backlog_last_id"
profile_stop
elapsed=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
read -r d_p50 d_p95 d_n < <(assignment_times)
# The matching rate once the processes are up: first offer to last offer.
read -r o_rate o_span < <(trip_sql "SELECT round(count(*) / greatest(extract(epoch FROM max(offered_at) - min(offered_at)), 0.001)),
                                           round(extract(epoch FROM max(offered_at) - min(offered_at))::numeric, 1)
                                    FROM trips WHERE offered_at IS NOT NULL" | tr '|' ' ')
echo "backlog of $backlog trip events drained in ${elapsed} s (driver-service start included)" \
  "= $(awk -v n="$backlog" -v t="$elapsed" 'BEGIN { printf "%.0f", n / t }') events/s; $d_n trips offered a driver;" \
  "time to assignment over the backlog p50 ${d_p50} ms p95 ${d_p95} ms;" \
  "first to last offer ${o_span} s, ${o_rate} offers/s"
fi

phase wake || exit 0

# Milliseconds from each offered trip's driver going online to the offer: p50 p95 max count.
online_to_offer_times() {
  local -x LC_ALL=C
  join -t '|' \
    <(stack_psql driver_db -tA -c "SELECT id, round(extract(epoch FROM status_updated_at) * 1000) FROM drivers" | sort) \
    <(trip_sql "SELECT driver_id, round(extract(epoch FROM offered_at) * 1000) FROM trips
                WHERE offered_at IS NOT NULL" | sort) |
    awk -F'|' '{ print $3 - $2 }' | sort -n |
    awk '{ v[NR] = $1 } END {
      if (NR == 0) { print "- - - 0"; exit }
      p50 = v[int((NR - 1) * 0.5) + 1]; p95 = v[int((NR - 1) * 0.95) + 1]
      print p50, p95, v[NR], NR }'
}

wake_trips=${WAKE_TRIPS:-200}
export MATCH_RETRY_MAX_MS=${WAKE_RETRY_MAX_MS:-10000} MATCH_RADIUS_METERS=3000
fresh_stack async 0
echo "waiting trips: $(trips --trips "$wake_trips" --connections 8)"
sleep "${WAKE_WAIT_SECONDS:-25}"
"$DRIVER_LOAD" seed --port "$driver_port" --secrets "$STACK_SECRETS" --drivers "$wake_trips" --connections 1 >&2
sleep "$((MATCH_RETRY_MAX_MS / 1000 + 3))"
read -r w_p50 w_p95 w_max w_n < <(online_to_offer_times)
echo "waiting trips woken: $w_n of $wake_trips trips offered to a driver that came online after them;" \
  "driver online to offer p50 ${w_p50} ms, p95 ${w_p95} ms, max ${w_max} ms (retries up to ${MATCH_RETRY_MAX_MS} ms)"
