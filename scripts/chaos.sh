#!/usr/bin/env bash
# `make chaos`: the fault suite. On a private stack (its own run dir under
# /tmp, free loopback ports picked at random, purged on exit) with two
# trip-service and two driver-service instances behind the gateway, it runs
# the chaos load profile (loadtests/scenarios/chaos.json, `uitgo loadgen`:
# trips, driver searches, trip reads, simulated drivers that accept and finish
# trips) and injects one fault after another, each under load: CHAOS_LEAD
# seconds of steady load, the fault, CHAOS_TAIL seconds after it ends; then
# the load stops and, if the matching queue or the outbox has not caught up
# yet, the script waits for them (at most CHAOS_DRAIN_LIMIT seconds).
#
#   0 control        no fault: the same phase undisturbed, the yardstick for the others
#   1 redis-kill     kill -9 Redis, started again after 5 s (append-only file)
#   2 redis-stop     SIGSTOP Redis for 5 s, then SIGCONT (a dependency that hangs)
#   3 driver-kill    kill -9 driver-service (the first of two), started again after 5 s
#   4 trip-kill      kill -9 trip-service (the first of two), started again after 5 s
#   5 pg-restart     PostgreSQL primary: pg_ctl stop -m immediate, then started again
#   6 replica-stop   the read replica stopped for 10 s, then started again
#
# The first instance of a service is the one the others' internal calls go to
# (stack.sh), so killing it is the harder case. A fault ends when the
# component answers again (Redis PONG, /health 200, pg_isready) or, for
# SIGSTOP, at SIGCONT.
#
# Measured per fault (docs/RELIABILITY.md explains each column): trips
# acknowledged (201 answers of POST /v1/trips in the phase, from the request
# log), trips in the database created in the phase, lost (acknowledged ids
# missing from the database), stranded (still `requested` once
# MATCH_DEADLINE_SECONDS + MATCH_SWEEP_SECONDS + 1 s have passed after the
# last phase), drivers on two open trips at once (accepted..ended intervals
# that overlap, SQL), failed requests per endpoint in the fault window (the
# per-second CSV rows from the one in which the fault began to the one
# CHAOS_WINDOW_AFTER seconds after it ended) and in the whole phase, seconds
# from the fault's end to the first success per endpoint (a request started
# after the end), to a drained matching queue (consumer group lag 0, nothing
# pending) and to an outbox with no match event older than a second. The
# tables replace the section between the chaos markers
# of docs/RELIABILITY.md and is printed; the raw files (summaries, CSVs,
# request logs, a digest of the services' warnings per fault) are in the run
# dir's chaos/ folder, kept with CHAOS_KEEP=1.
#
# Service settings, so that a run says something within minutes (each may be
# overridden from the environment):
#   MATCH_DEADLINE_SECONDS=60       a trip nobody takes is cancelled after a minute
#                                   (default 120): the stranded check waits for it
#   MATCH_REDRIVE_SECONDS=15        a trip whose event Redis lost is published again
#                                   after 15 s of quiet (default 60; above the
#                                   matchers' longest retry, MATCH_RETRY_MAX_MS=10000)
#   MATCH_SWEEP_SECONDS=2           the sweep runs every 2 s (default 5)
#   OFFER_TIMEOUT_SECONDS=10        an offer nobody answers ends after 10 s (default 15)
#   OFFER_EXPIRY_BACKSTOP_SECONDS=30   offers a dead matcher never reported (default 60)
#   MATCH_VISIBILITY_TIMEOUT_MS=10000  messages held by a killed matcher are reclaimed
#                                   after 10 s (default 30 s), inside CHAOS_TAIL
#   RESERVATION_AUDIT_SECONDS=5 RESERVATION_RECHECK_SECONDS=15   reservations a killed
#                                   driver-service left behind are freed within ~20 s
#
# environment (defaults)
#   CHAOS_FAULTS=all        faults to run, by number or name, e.g. "1 3" or "trip-kill"
#   CHAOS_CONTROL=1         0: no control phase
#   CHAOS_RATE=30           trips created per second
#   CHAOS_SEARCH_RATE=40    driver searches per second
#   CHAOS_READ_RATE=20      trip reads (GET /v1/trips?limit=5) per second
#   CHAOS_DRIVERS=20        simulated drivers   CHAOS_RIDERS=5000  rider accounts (one open trip each)
#   CHAOS_LEAD=10  CHAOS_TAIL=30  CHAOS_WINDOW_AFTER=10  CHAOS_DRAIN_LIMIT=60   seconds
#   CHAOS_KEEP=0            1: stop the stack but keep the run dir (logs, data, chaos/)
#   CHAOS_BUDGET=1500       seconds before the whole run is stopped
#   UPDATE_RELIABILITY_MD=1 0: leave docs/RELIABILITY.md alone
#   UITGO_BIN=build/uitgo
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHAOS_BUDGET=${CHAOS_BUDGET:-1500}
# Bounded in time: the whole run, cleanup included, under `timeout`.
if [[ -z "${CHAOS_UNDER_TIMEOUT:-}" ]]; then
  [[ "$CHAOS_BUDGET" =~ ^[0-9]+$ ]] || die "CHAOS_BUDGET must be a number of seconds"
  export CHAOS_UNDER_TIMEOUT=1
  # --foreground: Ctrl-C still reaches the script (it cleans up on INT/TERM).
  exec timeout --foreground --kill-after=60 "$CHAOS_BUDGET" "$0" "$@"
fi

CHAOS_FAULTS=${CHAOS_FAULTS:-all}
CHAOS_RATE=${CHAOS_RATE:-30}
CHAOS_SEARCH_RATE=${CHAOS_SEARCH_RATE:-40}
CHAOS_READ_RATE=${CHAOS_READ_RATE:-20}
CHAOS_DRIVERS=${CHAOS_DRIVERS:-20}
CHAOS_RIDERS=${CHAOS_RIDERS:-5000}
CHAOS_LEAD=${CHAOS_LEAD:-10}
CHAOS_TAIL=${CHAOS_TAIL:-30}
CHAOS_WINDOW_AFTER=${CHAOS_WINDOW_AFTER:-10}
CHAOS_DRAIN_LIMIT=${CHAOS_DRAIN_LIMIT:-60}
CHAOS_CONTROL=${CHAOS_CONTROL:-1}
CHAOS_KEEP=${CHAOS_KEEP:-0}

export MATCHING_MODE=async DRIVER_SEARCH=geo
export MATCH_DEADLINE_SECONDS=${MATCH_DEADLINE_SECONDS:-60}
export MATCH_REDRIVE_SECONDS=${MATCH_REDRIVE_SECONDS:-15}
export MATCH_SWEEP_SECONDS=${MATCH_SWEEP_SECONDS:-2}
export OFFER_TIMEOUT_SECONDS=${OFFER_TIMEOUT_SECONDS:-10}
export OFFER_EXPIRY_BACKSTOP_SECONDS=${OFFER_EXPIRY_BACKSTOP_SECONDS:-30}
export MATCH_VISIBILITY_TIMEOUT_MS=${MATCH_VISIBILITY_TIMEOUT_MS:-10000}
export RESERVATION_AUDIT_SECONDS=${RESERVATION_AUDIT_SECONDS:-5}
export RESERVATION_RECHECK_SECONDS=${RESERVATION_RECHECK_SECONDS:-15}
readonly SERVICE_SETTINGS=(MATCH_DEADLINE_SECONDS MATCH_REDRIVE_SECONDS MATCH_SWEEP_SECONDS
  OFFER_TIMEOUT_SECONDS OFFER_EXPIRY_BACKSTOP_SECONDS MATCH_VISIBILITY_TIMEOUT_MS RESERVATION_AUDIT_SECONDS
  RESERVATION_RECHECK_SECONDS)

readonly ALL_FAULTS=(redis-kill redis-stop driver-kill trip-kill pg-restart replica-stop)
# Scenario names of the chaos profile and the status each expects.
readonly ENDPOINTS=(riders driverSearch tripReads)

for knob in CHAOS_RATE CHAOS_SEARCH_RATE CHAOS_READ_RATE CHAOS_DRIVERS CHAOS_RIDERS CHAOS_LEAD CHAOS_TAIL \
  CHAOS_WINDOW_AFTER CHAOS_DRAIN_LIMIT "${SERVICE_SETTINGS[@]}"; do
  [[ "${!knob}" =~ ^[0-9]+$ ]] || die "$knob must be a whole number (got '${!knob}')"
done

require_uitgo_bin
require_tools --hint "scripts/install-deps.sh --bench" jq psql redis-cli curl ss timeout

# ---------------------------------------------------------------- faults to run

FAULTS=()
select_faults() {
  local word
  FAULTS=()
  if [[ "$CHAOS_CONTROL" == 1 ]]; then FAULTS+=(control); fi
  if [[ "$CHAOS_FAULTS" == all ]]; then
    FAULTS+=("${ALL_FAULTS[@]}")
    return
  fi
  for word in ${CHAOS_FAULTS//,/ }; do
    if [[ "$word" =~ ^[1-6]$ ]]; then word=${ALL_FAULTS[word - 1]}; fi
    [[ " ${ALL_FAULTS[*]} " == *" $word "* ]] || die "CHAOS_FAULTS: unknown fault '$word' (1-6 or ${ALL_FAULTS[*]})"
    FAULTS+=("$word")
  done
  ((${#FAULTS[@]} > 0)) || die "CHAOS_FAULTS names no fault"
}

fault_number() {
  local i
  if [[ "$1" == control ]]; then echo 0; fi
  for i in "${!ALL_FAULTS[@]}"; do
    if [[ "${ALL_FAULTS[i]}" == "$1" ]]; then echo $((i + 1)); fi
  done
}

fault_title() {
  case $1 in
    control) echo "none (control)" ;;
    redis-kill) echo "kill -9 Redis, restart after 5 s" ;;
    redis-stop) echo "SIGSTOP Redis for 5 s" ;;
    driver-kill) echo "kill -9 driver-service (1 of 2), restart after 5 s" ;;
    trip-kill) echo "kill -9 trip-service (1 of 2), restart after 5 s" ;;
    pg-restart) echo "PostgreSQL primary: immediate shutdown, start" ;;
    replica-stop) echo "replica stopped for 10 s" ;;
  esac
}

# The endpoints that must not fail at all during a fault's phase, and why:
# the targets (one instance of each service stays up) and what the design
# promises (docs/RELIABILITY.md).
must_not_fail() {
  case $1 in
    control) echo "riders driverSearch tripReads|nothing is wrong" ;;
    redis-kill | redis-stop) echo "riders driverSearch tripReads|outbox, SQL search fallback, reads without Redis" ;;
    driver-kill | trip-kill) echo "riders driverSearch tripReads|the other instance, gateway retries" ;;
    pg-restart) echo "|" ;;
    replica-stop) echo "riders driverSearch tripReads|reads fall back to the primary" ;;
  esac
}

# ---------------------------------------------------------------- private stack

export UITGO_RUN_DIR
UITGO_RUN_DIR=$(mktemp -d /tmp/uitgo-chaos.XXXXXX)
use_private_stack
read -r -a ports <<<"$(free_ports 9)"
export UITGO_PG_PORT=${ports[0]} UITGO_PG_REPLICA_PORT=${ports[1]} UITGO_REDIS_PORT=${ports[2]}
export UITGO_GATEWAY_PORT=${ports[3]} UITGO_USER_PORT=${ports[4]} UITGO_TRIP_PORT=${ports[5]}
export UITGO_DRIVER_PORT=${ports[6]} UITGO_TRIP_EXTRA_PORTS=${ports[7]} UITGO_DRIVER_EXTRA_PORTS=${ports[8]}
readonly API="http://127.0.0.1:$UITGO_GATEWAY_PORT"
readonly CHAOS_DIR="$UITGO_RUN_DIR/chaos"
readonly STACK_LOG="$CHAOS_DIR/stack.log"
mkdir -p "$CHAOS_DIR"

LOADGEN_PID=""
REDIS_STOPPED=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n "$LOADGEN_PID" ]]; then kill -KILL "$LOADGEN_PID" 2>/dev/null || true; fi
  if [[ -n "$REDIS_STOPPED" ]]; then kill -CONT "$REDIS_STOPPED" 2>/dev/null || true; fi
  if [[ "$CHAOS_KEEP" == 1 ]]; then
    stack stop all >/dev/null 2>&1 || true
    say "kept $UITGO_RUN_DIR (stopped; \`UITGO_RUN_DIR=$UITGO_RUN_DIR scripts/stack.sh up\` starts it again)"
  else
    purge_stack
    rm -rf "$UITGO_RUN_DIR"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

now_ms() { date +%s%3N; }

# "2026-12-04T17:50:01.123Z" for Unix milliseconds (the services' log format).
iso_ms() { date -u -d "@$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))" +%Y-%m-%dT%H:%M:%S.%3NZ; }

# Seconds from A to B (ms) with one decimal.
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }


# PID of a component from the run dir's pid file (Redis and the services).
pid_of() {
  local pid
  pid=$(cat "$UITGO_RUN_DIR/pids/$1.pid" 2>/dev/null) || die "$1: no pid file"
  if [[ ! "$pid" =~ ^[0-9]+$ ]] || ! kill -0 "$pid" 2>/dev/null; then die "$1 is not running (pid '$pid')"; fi
  echo "$pid"
}

# The primary's data folder (stack/postgres.sh: pg_root) and its programs.
pg_primary_data() {
  local root="$UITGO_RUN_DIR/pg"
  if [[ -r "$UITGO_RUN_DIR/pg.location" ]]; then read -r root <"$UITGO_RUN_DIR/pg.location"; fi
  echo "$root/primary"
}
pg_ctl_bin() {
  local dir
  dir=$(pg_config --bindir 2>/dev/null || true)
  [[ -x "$dir/pg_ctl" ]] || dir=/usr/lib/postgresql/15/bin
  echo "$dir/pg_ctl"
}
# As the account that owns the cluster (postgres when we are root).
as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

http_code() { curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null || true; }

# Every service instance answers /ready (its Postgres and Redis reachable)
# and the gateway answers.
all_ready() {
  local port
  for port in "$UITGO_USER_PORT" "$UITGO_TRIP_PORT" "$UITGO_TRIP_EXTRA_PORTS" "$UITGO_DRIVER_PORT" \
    "$UITGO_DRIVER_EXTRA_PORTS"; do
    [[ "$(http_code "http://127.0.0.1:$port/ready")" == 200 ]] || return 1
  done
  [[ "$(http_code "$API/health")" == 200 ]]
}

# Starts whatever is not running (a fault may have left something down) and
# waits until everything is ready; prints what had to be started.
ensure_ready() {
  local deadline=$((SECONDS + 90)) out
  out=$(stack up all 2>&1) || {
    echo "$out" >>"$STACK_LOG"
    die "stack up failed (see $STACK_LOG and $UITGO_RUN_DIR/logs)"
  }
  echo "$out" >>"$STACK_LOG"
  until all_ready; do
    ((SECONDS < deadline)) || die "the stack is not ready after 90 s (see $UITGO_RUN_DIR/logs)"
    sleep 0.5
  done
  sed -n 's/^stack: \([a-z0-9-]*\): starting.*/\1/p' <<<"$out" | tr '\n' ' '
}

# ---------------------------------------------------------------- the faults

# Each returns once the fault is over: the component is back (or resumed).
fault_control() { :; }

fault_redis_kill() {
  kill -KILL "$(pid_of redis)"
  sleep 5
  stack start redis >>"$STACK_LOG" 2>&1
}

fault_redis_stop() {
  REDIS_STOPPED=$(pid_of redis)
  kill -STOP "$REDIS_STOPPED"
  sleep 5
  kill -CONT "$REDIS_STOPPED"
  REDIS_STOPPED=""
}

fault_driver_kill() {
  kill -KILL "$(pid_of driver-service)"
  sleep 5
  stack start driver-service >>"$STACK_LOG" 2>&1
}

fault_trip_kill() {
  kill -KILL "$(pid_of trip-service)"
  sleep 5
  stack start trip-service >>"$STACK_LOG" 2>&1
}

fault_pg_restart() {
  as_postgres "$(pg_ctl_bin)" stop -D "$(pg_primary_data)" -m immediate -w >>"$STACK_LOG" 2>&1
  stack start postgres >>"$STACK_LOG" 2>&1
}

fault_replica_stop() {
  stack stop replica >>"$STACK_LOG" 2>&1
  sleep 10
  stack start replica >>"$STACK_LOG" 2>&1
}

# ---------------------------------------------------------------- one phase

start_loadgen() {
  local dir=$1 deadline=$((SECONDS + 60))
  "$UITGO_BIN" loadgen chaos --scenarios-dir "$REPO_DIR/loadtests/scenarios" --api-base "$API" \
    --tokens "$UITGO_RUN_DIR/demo-tokens.json" --target-rps "$CHAOS_RATE" --drivers "$CHAOS_DRIVERS" \
    --var "SEARCH_RPS=$CHAOS_SEARCH_RATE" --var "READ_RPS=$CHAOS_READ_RATE" --no-thresholds \
    --out "$dir/summary.json" --timeseries "$dir/timeseries.csv" --request-log "$dir/requests.csv" \
    </dev/null >"$dir/loadgen.out" 2>"$dir/loadgen.err" &
  LOADGEN_PID=$!
  # The plan is printed once the simulated drivers are online, right before second 0.
  until grep -q '^loadgen: profile' "$dir/loadgen.err"; do
    kill -0 "$LOADGEN_PID" 2>/dev/null || die "loadgen stopped before the load began: $(tail -n 3 "$dir/loadgen.err")"
    ((SECONDS < deadline)) || die "loadgen did not start within 60 s (see $dir/loadgen.err)"
    sleep 0.1
  done
}

# SIGTERM: the loadgen stops scheduling, waits for the requests in flight,
# sends its drivers offline and writes the summary, the CSV and the log.
stop_loadgen() {
  local deadline=$((SECONDS + 60))
  kill -TERM "$LOADGEN_PID" 2>/dev/null || true
  while kill -0 "$LOADGEN_PID" 2>/dev/null; do
    if ((SECONDS > deadline)); then
      kill -KILL "$LOADGEN_PID" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  wait "$LOADGEN_PID" 2>/dev/null || true
  LOADGEN_PID=""
}

# True when no match event waits in the outbox for more than a second (the
# relay publishes new rows within milliseconds; older ones are backing off).
outbox_caught_up() {
  [[ "$(PGCONNECT_TIMEOUT=1 trip_sql "SELECT count(*) = 0 FROM outbox
          WHERE sent_at IS NULL AND created_at < now() - interval '1 second'" 2>/dev/null)" == t ]]
}

# Samples the matching queue and the outbox every 0.2 s until UNTIL (ms),
# appending "ms,lag,pending,outbox caught up (1/0)" to FILE; from FROM (ms) on
# it sets DRAINED_MS and OUTBOX_MS to the first sample that found the queue
# drained and the outbox caught up. With "until-caught-up" it returns as soon
# as both are set.
DRAINED_MS=""
OUTBOX_MS=""
watch_queue() {
  local file=$1 from=$2 until=$3 mode=${4:-} now lag pending outbox
  while now=$(now_ms) && ((now < until)); do
    read -r lag pending <<<"$(match_stream_state)"
    outbox=0
    if outbox_caught_up; then outbox=1; fi
    echo "$now,$lag,$pending,$outbox" >>"$file"
    if ((now >= from)); then
      if [[ -z "$DRAINED_MS" && "$lag $pending" == "0 0" ]]; then DRAINED_MS=$now; fi
      if [[ -z "$OUTBOX_MS" && "$outbox" == 1 ]]; then OUTBOX_MS=$now; fi
      if [[ "$mode" == until-caught-up && -n "$DRAINED_MS" && -n "$OUTBOX_MS" ]]; then return 0; fi
    fi
    sleep 0.2
  done
}

run_phase() {
  local fault=$1 dir="$CHAOS_DIR/$1" restarted phase_start lead_end fault_start fault_end load_end phase_end
  mkdir -p "$dir"
  restarted=$(ensure_ready)
  say "fault $(fault_number "$fault") $fault: $(fault_title "$fault")${restarted:+ (started again first: $restarted)}"
  phase_start=$(now_ms)
  start_loadgen "$dir"
  DRAINED_MS=""
  OUTBOX_MS=""
  lead_end=$(($(now_ms) + CHAOS_LEAD * 1000))
  watch_queue "$dir/queue.csv" "$lead_end" "$lead_end"
  fault_start=$(now_ms)
  "fault_${fault//-/_}"
  fault_end=$(now_ms)
  watch_queue "$dir/queue.csv" "$fault_end" $((fault_end + CHAOS_TAIL * 1000))
  stop_loadgen
  load_end=$(now_ms)
  [[ -s "$dir/summary.json" && -s "$dir/requests.csv" ]] || die "loadgen wrote no results for $fault (see $dir/loadgen.err)"
  # Under load the queue may never be empty (unmatched trips are retried until
  # their deadline); without load it shows whether the backlog is worked off.
  watch_queue "$dir/queue.csv" "$fault_end" $((load_end + CHAOS_DRAIN_LIMIT * 1000)) until-caught-up
  phase_end=$(now_ms)
  cat >"$dir/phase.env" <<EOF
PHASE_START=$phase_start
FAULT_START=$fault_start
FAULT_END=$fault_end
LOAD_END=$load_end
PHASE_END=$phase_end
DRAINED_MS=$DRAINED_MS
OUTBOX_MS=$OUTBOX_MS
RESTARTED="$restarted"
EOF
  say "  fault lasted $(seconds_between "$fault_start" "$fault_end") s; phase $(seconds_between "$phase_start" "$phase_end") s"
}

# ---------------------------------------------------------------- measures

# Drivers with two trips open at the same time (from acceptance to completion
# or cancellation; a trip still open counts until now), where one of the two
# was created in [FROM, TO) (ms).
double_drivers() {
  local from=$1 to=$2
  trip_sql "
    WITH spans AS (
      SELECT t.id, t.driver_id, t.created_at,
             (SELECT min(e.created_at) FROM trip_events e WHERE e.trip_id = t.id AND e.to_status = 'accepted') AS open_at,
             coalesce((SELECT min(e.created_at) FROM trip_events e
                        WHERE e.trip_id = t.id AND e.to_status IN ('completed', 'cancelled')), 'infinity') AS closed_at
        FROM trips t WHERE t.driver_id IS NOT NULL AND t.status <> 'requested')
    SELECT count(DISTINCT a.driver_id) FROM spans a JOIN spans b ON a.driver_id = b.driver_id AND a.id <> b.id
     WHERE a.open_at IS NOT NULL AND b.open_at IS NOT NULL AND a.open_at < b.closed_at AND b.open_at < a.closed_at
       AND a.created_at >= to_timestamp($from / 1000.0) AND a.created_at < to_timestamp($to / 1000.0)"
}

# "riders search reads" failures in the CSV rows that overlap [FROM, TO] (ms).
window_failures() {
  local dir=$1 from=$2 to=$3 t0
  t0=$(date -d "$(jq -r .startedAt "$dir/summary.json")" +%s%3N)
  awk -F, -v t0="$t0" -v a="$from" -v b="$to" '
    NR > 1 { s = t0 + $1 * 1000; if (s + 1000 > a && s <= b) f[$2] += $4 }
    END { printf "%d %d %d\n", f["riders"], f["driverSearch"], f["tripReads"] }' "$dir/timeseries.csv"
}

# Seconds from AFTER (ms) to the first success per endpoint, counting only
# requests started at or after it; "none" when there was none.
first_success() {
  local dir=$1 after=$2
  awk -F, -v after="$after" '
    BEGIN { want["riders"] = 201; want["driverSearch"] = 200; want["tripReads"] = 200 }
    NR > 1 && $4 == want[$2] && $1 - $6 >= after { if (!($2 in first) || $1 < first[$2]) first[$2] = $1 }
    END {
      n = split("riders driverSearch tripReads", names, " ")
      for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? " " : ""), (names[i] in first ? sprintf("%.1f", (first[names[i]] - after) / 1000) : "none")
      printf "\n"
    }' "$dir/requests.csv"
}

# Failed answers of the phase by endpoint and status ("riders 502 x3; ...").
failure_statuses() {
  awk -F, '
    BEGIN { want["riders"] = 201; want["driverSearch"] = 200; want["tripReads"] = 200 }
    NR > 1 && $4 != want[$2] { n[$2 " " ($4 == 0 ? "no answer (" $5 ")" : $4)]++ }
    END { for (k in n) printf "%s x%d; ", k, n[k] }' "$1/requests.csv" | sed 's/; $//'
}

# The services' warnings and errors from FROM to TO (ms), counted by instance
# and message, most frequent first.
log_digest() {
  local from to f
  from=$(iso_ms "$1")
  to=$(iso_ms "$2")
  for f in "$UITGO_RUN_DIR"/logs/*-service*.log; do
    grep -h '"level":"\(warn\|error\)"' "$f" |
      jq -rR --arg from "$from" --arg to "$to" --arg who "$(basename "$f" .log)" \
        'fromjson? | select(.ts >= $from and .ts <= $to) | "\(.level) \($who): \(.msg)"' || true
  done | sort | uniq -c | sort -rn | head -n 12
}

# The matching queue's lag from its samples: "MEDIAN MAX DRAINED SAMPLES"
# before BEFORE (ms; DRAINED: samples with lag 0 and nothing pending), then
# the highest lag from FROM to TO (ms). Samples where Redis did not tell the
# lag are skipped.
queue_stats() {
  local file=$1 before=$2 from=$3 to=$4 median
  median=$(awk -F, -v before="$before" '$2 != "?" && $1 < before { print $2 }' "$file" | sort -n |
    awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : 0) }')
  awk -F, -v before="$before" -v from="$from" -v to="$to" -v median="$median" '
    $2 == "?" { next }
    $1 < before { n++; if ($2 > bmax) bmax = $2; if ($2 == 0 && $3 == 0) drained++ }
    $1 >= from && $1 <= to && $2 > amax { amax = $2 }
    END { printf "%d %d %d %d %d\n", median, bmax, drained, n, amax }' "$file"
}

# Writes one row to each table ($CHAOS_DIR/trips.md, recovery.md) and the
# notes to notes.md.
analyze_phase() {
  local fault=$1 dir="$CHAOS_DIR/$1"
  local PHASE_START FAULT_START FAULT_END LOAD_END PHASE_END DRAINED_MS OUTBOX_MS RESTARTED
  # shellcheck disable=SC1091 # written by run_phase
  source "$dir/phase.env"
  local between="created_at >= to_timestamp($PHASE_START / 1000.0) AND created_at < to_timestamp($PHASE_END / 1000.0)"
  awk -F, 'NR > 1 && $2 == "riders" && $4 == 201 && $7 != "" { print $7 }' "$dir/requests.csv" | LC_ALL=C sort -u \
    >"$dir/acked.ids"
  local acked in_db lost stranded double unacked
  acked=$(awk -F, 'NR > 1 && $2 == "riders" && $4 == 201' "$dir/requests.csv" | wc -l)
  in_db=$(trip_sql "SELECT count(*) FROM trips WHERE $between")
  LC_ALL=C comm -23 "$dir/acked.ids" "$CHAOS_DIR/db.ids" >"$dir/lost.ids"
  lost=$(wc -l <"$dir/lost.ids")
  trip_sql "SELECT id FROM trips WHERE status = 'requested' AND $between ORDER BY created_at" >"$dir/stranded.ids"
  stranded=$(grep -c . "$dir/stranded.ids" || true)
  double=$(double_drivers "$PHASE_START" "$PHASE_END")
  unacked=$((in_db - (acked - lost)))
  local -a win phase first queue
  read -r -a win <<<"$(window_failures "$dir" "$FAULT_START" $((FAULT_END + CHAOS_WINDOW_AFTER * 1000)))"
  read -r -a phase <<<"$(jq -r '[.scenarios.riders.failed, .scenarios.driverSearch.failed, .scenarios.tripReads.failed] | map(tostring) | join(" ")' "$dir/summary.json")"
  read -r -a first <<<"$(first_success "$dir" "$FAULT_END")"
  read -r -a queue <<<"$(queue_stats "$dir/queue.csv" "$FAULT_START" "$FAULT_END" "$LOAD_END")"
  local load_stop drained outbox
  load_stop=$(seconds_between "$FAULT_END" "$LOAD_END")
  drained="not within $(seconds_between "$FAULT_END" "$PHASE_END")"
  outbox=$drained
  if [[ -n "$DRAINED_MS" ]]; then drained=$(seconds_between "$FAULT_END" "$DRAINED_MS"); fi
  if [[ -n "$OUTBOX_MS" ]]; then outbox=$(seconds_between "$FAULT_END" "$OUTBOX_MS"); fi

  # Verdict: the targets (0 lost, 0 stranded, 0 double) and the endpoints
  # that must not fail during this fault.
  local misses=() spec names why i
  ((lost == 0)) || misses+=("$lost lost")
  ((stranded == 0)) || misses+=("$stranded stranded")
  ((double == 0)) || misses+=("$double double")
  spec=$(must_not_fail "$fault")
  names=${spec%%|*}
  why=${spec#*|}
  for i in "${!ENDPOINTS[@]}"; do
    if [[ " $names " == *" ${ENDPOINTS[i]} "* ]] && ((phase[i] > 0)); then
      misses+=("${phase[i]} failed $(endpoint_label "${ENDPOINTS[i]}")")
    fi
  done
  local verdict="met"
  if ((${#misses[@]} > 0)); then verdict="**missed**: $(join_by ', ' "${misses[@]}")"; fi

  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
    "$(fault_number "$fault")" "$(fault_title "$fault")" "$(seconds_between "$FAULT_START" "$FAULT_END")" \
    "$acked" "$in_db" "$lost" "$stranded" "$double" "$verdict" >>"$CHAOS_DIR/trips.md"
  printf '| %s | %s | %s | %s | %s / %s | %s (%s) | %s | %s |\n' "$(fault_number "$fault")" \
    "$(join_by ' / ' "${win[@]}")" "$(join_by ' / ' "${phase[@]}")" "$(join_by ' / ' "${first[@]}")" \
    "${queue[0]}" "${queue[1]}" "${queue[4]}" "$load_stop" "$drained" "$outbox" >>"$CHAOS_DIR/recovery.md"

  local statuses
  statuses=$(failure_statuses "$dir")
  {
    echo "- **$(fault_number "$fault") $fault** ($(iso_ms "$FAULT_START") to $(iso_ms "$FAULT_END")):" \
      "${statuses:-no failed request}. $unacked trip(s) in the database without a 201 (the answer failed after" \
      "the commit)."
    jq -r '.drivers | "  Simulated drivers: \(.pings) pings (\(.pingFailures) failed), \(.polls) polls (\(.pollFailures) failed), \(.accepted) accepted (\(.acceptFailures) refused), \(.completed) completed (\(.stepFailures) failed steps)."' \
      "$dir/summary.json"
    echo "  Queue drained in ${queue[2]} of ${queue[3]} samples before the fault.${RESTARTED:+ Started again before the phase: $RESTARTED.}"
    if ((lost > 0)); then echo "  Lost: $(head -n 5 "$dir/lost.ids" | tr '\n' ' ')"; fi
    if ((stranded > 0)); then echo "  Stranded: $(head -n 5 "$dir/stranded.ids" | tr '\n' ' ')"; fi
    if [[ "$verdict" != met && -n "$why" ]]; then echo "  Expected no failed request here: $why."; fi
  } >>"$CHAOS_DIR/notes.md"

  log_digest "$FAULT_START" "$PHASE_END" >"$dir/log-digest.txt"
}

endpoint_label() {
  case $1 in
    riders) echo "trip creates" ;;
    driverSearch) echo "searches" ;;
    tripReads) echo "trip reads" ;;
  esac
}

join_by() {
  local sep=$1 out=""
  shift
  local item
  for item in "$@"; do out+="${out:+$sep}$item"; done
  echo "$out"
}

# ---------------------------------------------------------------- report

report() {
  local total=$1 settings="" s
  for s in "${SERVICE_SETTINGS[@]}"; do settings+="$s=${!s} "; done
  cat <<EOF
$(run_stamp) (load average $LOAD_AT_START at the start), \`make chaos\` (scripts/chaos.sh) with
CHAOS_FAULTS="$CHAOS_FAULTS": $CHAOS_RATE trips/s, $CHAOS_SEARCH_RATE searches/s, $CHAOS_READ_RATE trip reads/s,
$CHAOS_DRIVERS simulated drivers, $CHAOS_RIDERS riders; two trip-service and two driver-service instances. Per fault
$CHAOS_LEAD s of load, the fault, $CHAOS_TAIL s of load after it, then up to $CHAOS_DRAIN_LIMIT s without load for the
queue and the outbox. Fault window: the per-second CSV rows from the fault's start to $CHAOS_WINDOW_AFTER s after its end.
Services: ${settings% }.
Whole run ${total} s: stack and accounts ${STACK_SECONDS} s, phases ${FAULTS_SECONDS} s, stranded check ${CHECK_SECONDS} s.

| # | Fault | Lasted (s) | Trips acked | In DB | Lost | Stranded | Double | Target |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
$(cat "$CHAOS_DIR/trips.md")

| # | Failed in the fault window (trips / searches / reads) | Failed in the phase | First success after the end, s (trips / searches / reads) | Queue lag before the fault (median / max) | Queue lag after it, max (load stopped at +s) | Queue drained after, s | Outbox caught up after, s |
| --- | --- | --- | --- | --- | --- | --- | --- |
$(cat "$CHAOS_DIR/recovery.md")

$(cat "$CHAOS_DIR/notes.md")
EOF
}

update_reliability_md() {
  local md="$REPO_DIR/docs/RELIABILITY.md"
  [[ "${UPDATE_RELIABILITY_MD:-1}" == 1 ]] || return 0
  [[ -f "$md" ]] || printf '# Reliability\n' >"$md"
  replace_marked_section "$md" chaos "$CHAOS_DIR/report.md" "## Measured (\`make chaos\`)"
}

# ---------------------------------------------------------------- main

main() {
  local fault started=$SECONDS phases_started last_end wait_until
  select_faults
  LOAD_AT_START=$(cut -d' ' -f1 /proc/loadavg)
  say "run dir $UITGO_RUN_DIR, gateway $API, faults: ${FAULTS[*]}"
  stack up all >>"$STACK_LOG" 2>&1 || die "stack up failed (see $STACK_LOG and $UITGO_RUN_DIR/logs)"
  SEED_DEMO=false SEED_RIDERS=$CHAOS_RIDERS SEED_DRIVERS=$CHAOS_DRIVERS SEED_TOKEN_TTL_SECONDS=7200 \
    stack seed >>"$STACK_LOG" 2>&1 || die "seeding the load-test accounts failed (see $UITGO_RUN_DIR/logs/seed.log)"
  ensure_ready >/dev/null
  STACK_SECONDS=$((SECONDS - started))
  phases_started=$SECONDS
  for fault in "${FAULTS[@]}"; do run_phase "$fault"; done
  FAULTS_SECONDS=$((SECONDS - phases_started))

  # Every trip of every phase has now had MATCH_DEADLINE_SECONDS and one
  # sweep (plus a second for the sweep's own pass) to be matched or cancelled.
  # shellcheck disable=SC1090,SC1091
  last_end=$(source "$CHAOS_DIR/${FAULTS[-1]}/phase.env" && echo "$PHASE_END")
  wait_until=$((last_end + (MATCH_DEADLINE_SECONDS + MATCH_SWEEP_SECONDS + 1) * 1000))
  say "waiting $(seconds_between "$(now_ms)" "$wait_until") s for the deadline of the last trips (stranded check)"
  while (($(now_ms) < wait_until)); do sleep 1; done
  CHECK_SECONDS=$((SECONDS - phases_started - FAULTS_SECONDS))

  trip_sql "SELECT id FROM trips" | LC_ALL=C sort >"$CHAOS_DIR/db.ids"
  : >"$CHAOS_DIR/trips.md"
  : >"$CHAOS_DIR/recovery.md"
  : >"$CHAOS_DIR/notes.md"
  for fault in "${FAULTS[@]}"; do analyze_phase "$fault"; done
  report $((SECONDS - started)) >"$CHAOS_DIR/report.md"
  update_reliability_md
  cat "$CHAOS_DIR/report.md"
  for fault in "${FAULTS[@]}"; do
    echo
    echo "warnings and errors of the services from fault $(fault_number "$fault") ($fault) to the end of its phase:"
    sed 's/^/  /' "$CHAOS_DIR/$fault/log-digest.txt"
  done
}

main "$@"
