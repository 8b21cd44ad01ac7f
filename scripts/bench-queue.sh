#!/usr/bin/env bash
# The matching queue's backends side by side, Redis Streams and SQS (the
# local emulator, scripts/stack/sqs.sh), each phase on a fresh private stack
# (gateway, the three services, PostgreSQL, Redis, and the emulator for sqs),
# async matching:
#   1. trip creation with DRIVERS drivers online: paced at RATE/s for
#      `seconds`, then a closed loop with `connections` connections (the
#      outbox relay publishes to the queue meanwhile, ten events per
#      SendMessageBatch on SQS);
#   2. backlog drain: BACKLOG trips created while every driver-service
#      process (MATCHER_PROCESSES of them) is stopped, BACKLOG drivers online
#      and MATCH_RADIUS_METERS=20000; once the outbox has published every
#      event, the processes start and the time until the backlog is matched
#      is measured, the same way on both backends: until the last trip got
#      its offer, once nothing waits in the queue (Redis: consumer group lag
#      0; SQS: ApproximateNumberOfMessages 0) and no new offer came for 3 s.
#      (Redis' "nothing pending" cannot be asked of SQS: a message put back
#      for later, e.g. the re-check of every offer, stays in flight there.)
# Offers and the matching deadline are set to an hour so drivers stay
# reserved and nothing is cancelled while a phase runs. Load generator
# (bench/driver_load) and servers share this machine's cores.
#
# usage: UITGO_RUN_DIR=/tmp/x UITGO_PG_PORT=.. UITGO_REDIS_PORT=.. UITGO_SQS_PORT=.. UITGO_GATEWAY_PORT=..
#          UITGO_USER_PORT=.. UITGO_TRIP_PORT=.. UITGO_DRIVER_PORT=..
#          scripts/bench-queue.sh [seconds=10] [connections=32] [drivers=1000] [rate=100] [backlog=10000]
# environment: UITGO_BIN (default build/uitgo), DRIVER_LOAD (default bench/driver_load next to UITGO_BIN),
#              MATCHER_PROCESSES=3, MATCHER_WORKERS=4 (per process), BACKENDS="redis sqs"
set -euo pipefail

seconds=${1:-10}
connections=${2:-32}
drivers=${3:-1000}
rate=${4:-100}
backlog=${5:-10000}
processes=${MATCHER_PROCESSES:-3}
backends=${BACKENDS:-redis sqs}
export MATCHER_WORKERS=${MATCHER_WORKERS:-4}

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
use_private_stack
lift_per_user_limits
require_uitgo_bin
require_bench_tool driver_load
require_tools psql redis-cli curl
((processes >= 1)) || die "MATCHER_PROCESSES must be at least 1"

driver_port=$(stack_port DRIVER)
sqs_port=$(stack_port SQS)
trap purge_stack EXIT

# Extra driver-service processes on the ports after UITGO_DRIVER_PORT + 100.
extra=""
for ((i = 1; i < processes; i++)); do extra+="$((driver_port + 100 + i)) "; done
export UITGO_DRIVER_EXTRA_PORTS="${extra% }"
driver_components="driver-service"
for ((i = 2; i <= processes; i++)); do driver_components+=" driver-service-$i"; done

export LOG_LEVEL=warn DRIVER_STALE_SECONDS=3600 OFFER_TIMEOUT_SECONDS=3600 MATCH_DEADLINE_SECONDS=3600
export MATCH_RETRY_MAX_MS=2000 MATCHING_MODE=async


# Fresh stack matching through MATCH_QUEUE=$1 with N drivers online at random points over HCMC.
fresh_stack() {
  local queue=$1 n=$2
  purge_stack
  MATCH_QUEUE=$queue stack up >/dev/null 2>&1 || die "stack up failed (see $UITGO_RUN_DIR/logs)"
  "$DRIVER_LOAD" seed --port "$driver_port" --secrets "$STACK_SECRETS" --drivers "$n" --connections "$connections" >&2
}

# One SQS queue attribute of the emulator's matching queue.
sqs_count() {
  local url
  url=$(sed -n 's/^SQS_QUEUE_URL=//p' "$UITGO_RUN_DIR/sqs/queues.env")
  curl -s -X POST "http://127.0.0.1:$sqs_port/" -H 'Content-Type: application/x-amz-json-1.0' \
    -H 'X-Amz-Target: AmazonSQS.GetQueueAttributes' \
    -d "{\"QueueUrl\":\"$url\",\"AttributeNames\":[\"$1\"]}" | sed -n "s/.*\"$1\":\"\\([0-9]*\\)\".*/\\1/p"
}

# True when no event waits to be read.
nothing_waiting() {
  if [[ $1 == redis ]]; then
    [[ "$(match_groups_info)" =~ lag\ ([0-9]+) ]] && [[ "${BASH_REMATCH[1]}" == 0 ]]
  else
    [[ "$(sqs_count ApproximateNumberOfMessages)" == 0 ]]
  fi
}

offered() { trip_sql "SELECT count(*) FROM trips WHERE offered_at IS NOT NULL"; }

# Waits until nothing waits in the queue and no offer came for 3 s (or every
# trip has one); prints the seconds from `started` to the last new offer.
wait_matched() {
  local queue=$1 started=$2 total=$3 count last=-1 last_change
  last_change=$(date +%s.%N)
  while :; do
    count=$(offered)
    if [[ "$count" != "$last" ]]; then
      last=$count
      last_change=$(date +%s.%N)
    fi
    if [[ "$count" -ge "$total" ]] ||
      { awk -v c="$last_change" -v n="$(date +%s.%N)" 'BEGIN { exit !(n - c >= 3) }' && nothing_waiting "$queue"; }; then
      break
    fi
    sleep 0.2
  done
  awk -v s="$started" -v e="$last_change" 'BEGIN { printf "%.1f", e - s }'
}


trips() { "$DRIVER_LOAD" trips --port "$(stack_port GATEWAY)" --secrets "$STACK_SECRETS" "$@"; }

echo "$(run_stamp); $drivers drivers; $processes driver-service processes x $MATCHER_WORKERS matcher workers"

for queue in $backends; do
  fresh_stack "$queue" "$drivers"
  echo "$queue paced:  $(trips --rate "$rate" --seconds "$seconds" --connections "$connections" --warmup 0)"
  sleep 2
  read -r tta_p50 tta_p95 tta_n < <(assignment_times)
  echo "$queue time to assignment (${rate}/s for ${seconds}s): p50 ${tta_p50} ms, p95 ${tta_p95} ms over $tta_n trips"
  fresh_stack "$queue" "$drivers"
  echo "$queue closed: $(trips --seconds "$seconds" --connections "$connections")"

  MATCH_RADIUS_METERS=20000 fresh_stack "$queue" "$backlog"
  # shellcheck disable=SC2086 # one word per component
  MATCH_QUEUE=$queue stack stop $driver_components >/dev/null
  echo "$queue backlog: $(trips --trips "$backlog" --connections "$connections")"
  published=$SECONDS
  wait_until "(SELECT count(*) FROM outbox WHERE sent_at IS NULL) = 0" 600 >/dev/null
  echo "$queue outbox published $backlog events within $((SECONDS - published)) s after creation ended"
  started=$(date +%s.%N)
  # shellcheck disable=SC2086
  MATCH_QUEUE=$queue MATCH_RADIUS_METERS=20000 stack start $driver_components >/dev/null
  elapsed=$(wait_matched "$queue" "$started" "$backlog")
  read -r d_p50 d_p95 d_n < <(assignment_times)
  echo "$queue backlog of $backlog trip events matched in ${elapsed} s (driver-service start included)" \
    "= $(awk -v n="$d_n" -v t="$elapsed" 'BEGIN { printf "%.0f", n / t }') offers/s; $d_n trips offered a driver;" \
    "time to assignment over the backlog p50 ${d_p50} ms p95 ${d_p95} ms"
done
