#!/usr/bin/env bash
# `make bench-compare`: the seed report's before/after table, reproduced on
# this machine by one command.
#
#   baseline   MATCHING_MODE=sync  DRIVER_SEARCH=sql  HOME_CACHE_ENABLED=false
#   optimized  MATCHING_MODE=async DRIVER_SEARCH=geo  HOME_CACHE_ENABLED=true
#
# For each configuration, on a fresh private stack (gateway, the three
# services, PostgreSQL, Redis): ONLINE_DRIVERS drivers online at random points
# over Ho Chi Minh City (they are offered trips and never answer, like idle
# phones), SIM_DRIVERS simulated drivers that stream locations and accept and
# finish what they are offered, then the trip_matching profile
# (loadtests/scenarios/trip_matching.json, run by `uitgo loadgen`) at each rate
# of RATES in turn: riders ramp to the rate over 10 s and hold it for
# STEP_DURATION, driverSearch runs at SEARCH_RPS. A step passes when fewer
# than 1 % of the trip requests fail or are dropped (open model: a request the
# generator could not start on time counts as dropped); the stepping stops at
# the first failing rate. Measured per step: trip create p95, driver search
# p95, CPU of the driver-service processes, the matching backlog's peak; after
# the last step, the time the backlog takes to drain (async only).
# Physical limits, measured in the same run on the same servers: raw
# `redis-benchmark` GEOSEARCH on the drivers' key, `pgbench` single-row INSERT
# on the same PostgreSQL, and nginx in front of a trivial upstream (GET
# /trip-service/health with wrk).
#
# Output (OUT_DIR, default docs/perf): bench-compare.md (the tables),
# latency.png and throughput.png (gnuplot: per-second trip create p95 and
# request rate of both configurations' highest passing step), the raw
# summaries and time series; and the tables replace the section between the
# bench-compare markers of docs/PERFORMANCE.md. `scripts/bench-compare.sh
# --report-only` renders those again from OUT_DIR/raw without running anything
# (same environment as the run, for the header line).
#
# environment (defaults)
#   RATES="50 100 200 400 800 1200 1600"   trip-create rates to try, ascending
#   STEP_DURATION=20s  SEARCH_RPS=40  ONLINE_DRIVERS=5000  SIM_DRIVERS=20
#   BENCH_RIDERS=20000 rider accounts; each holds one open trip at a time
#   OFFER_SECONDS=10   unanswered offers end after this long in both modes
#                      (matcher offer timeout, trip-service backstop), so the
#                      online drivers come back and the baseline keeps doing
#                      whole matches instead of cheap no_driver answers
#   OPTIMIZED_MATCHER_WORKERS=8   matcher coroutines in the optimized run
#   OUT_DIR=docs/perf  UITGO_BIN=build/uitgo  DRIVER_LOAD=build/bench/driver_load
#   BENCH_PORT_BASE=21000  (ports BASE..BASE+9 on 127.0.0.1)
#   UPDATE_PERFORMANCE_MD=1  (0: leave docs/PERFORMANCE.md alone)
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RATES=${RATES:-50 100 200 400 800 1200 1600}
STEP_DURATION=${STEP_DURATION:-20s}
SEARCH_RPS=${SEARCH_RPS:-40}
ONLINE_DRIVERS=${ONLINE_DRIVERS:-5000}
OFFER_SECONDS=${OFFER_SECONDS:-10}
OPTIMIZED_MATCHER_WORKERS=${OPTIMIZED_MATCHER_WORKERS:-8}
SIM_DRIVERS=${SIM_DRIVERS:-20}
# Each rider holds one open trip (MAX_OPEN_TRIPS_PER_RIDER=1), so the top rate
# needs about rate x step-length riders; fewer, and riders cancel to ask again.
BENCH_RIDERS=${BENCH_RIDERS:-20000}
OUT_DIR=$(realpath -m "${OUT_DIR:-$REPO_DIR/docs/perf}")
PORT_BASE=${BENCH_PORT_BASE:-21000}

require_uitgo_bin
require_bench_tool driver_load
"$SCRIPT_DIR/install-deps.sh" --bench
require_tools --hint "scripts/install-deps.sh --bench" jq gnuplot redis-benchmark wrk psql

export UITGO_RUN_DIR
UITGO_RUN_DIR=$(mktemp -d /tmp/uitgo-bench-compare.XXXXXX)
use_private_stack
use_port_base "$PORT_BASE"
export LOG_LEVEL=warn DRIVER_STALE_SECONDS=3600
export OFFER_TIMEOUT_SECONDS=$OFFER_SECONDS OFFER_EXPIRY_BACKSTOP_SECONDS=$OFFER_SECONDS
readonly API="http://127.0.0.1:$UITGO_GATEWAY_PORT"
cleanup() {
  purge_stack
  rm -rf "$UITGO_RUN_DIR"
}
trap cleanup EXIT
mkdir -p "$OUT_DIR/raw"

# ---------------------------------------------------------------- helpers

config_env() {
  case $1 in
    baseline) echo "MATCHING_MODE=sync DRIVER_SEARCH=sql HOME_CACHE_ENABLED=false" ;;
    optimized) echo "MATCHING_MODE=async DRIVER_SEARCH=geo HOME_CACHE_ENABLED=true MATCHER_WORKERS=$OPTIMIZED_MATCHER_WORKERS" ;;
  esac
}

# CPU seconds (user + system) used so far by the driver-service process.
driver_cpu_seconds() {
  local pid stat
  pid=$(cat "$UITGO_RUN_DIR/pids/driver-service.pid")
  stat=$(cat "/proc/$pid/stat")
  stat=${stat##*) }
  # shellcheck disable=SC2086 # split the fields on purpose
  set -- $stat
  awk -v u="${12}" -v s="${13}" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (u + s) / hz }'
}

# Matching has settled: every event handled, or no stream at all (sync).
stream_settled() { [[ -z "$(match_groups_info)" ]] || match_stream_drained; }

up_stack() {
  local config=$1
  purge_stack
  # shellcheck disable=SC2046 # one word per variable
  env $(config_env "$config") "$SCRIPT_DIR/stack.sh" up postgres redis services nginx >/dev/null 2>&1 ||
    die "stack up failed for $config (logs in $UITGO_RUN_DIR/logs)"
  "$DRIVER_LOAD" seed --port "$UITGO_DRIVER_PORT" --secrets "$STACK_SECRETS" --drivers "$ONLINE_DRIVERS" \
    >/dev/null
  SEED_RIDERS=$BENCH_RIDERS SEED_DRIVERS=$SIM_DRIVERS SEED_TOKEN_TTL_SECONDS=7200 stack seed >/dev/null 2>&1 ||
    die "seeding load-test accounts failed"
}

# Runs one step; prints "pass|fail" and leaves the summary in raw/.
run_step() {
  local config=$1 rate=$2 summary="$OUT_DIR/raw/$1-$2.json" cpu_before cpu_after started elapsed
  cpu_before=$(driver_cpu_seconds)
  started=$(date +%s.%N)
  "$UITGO_BIN" loadgen trip_matching --scenarios-dir "$REPO_DIR/loadtests/scenarios" --api-base "$API" \
    --tokens "$UITGO_RUN_DIR/demo-tokens.json" --target-rps "$rate" --duration "$STEP_DURATION" \
    --drivers "$SIM_DRIVERS" --var "SEARCH_RPS=$SEARCH_RPS" --metrics-url "http://127.0.0.1:$UITGO_DRIVER_PORT/metrics" \
    --out "$summary" --timeseries "${summary%.json}.csv" --no-thresholds --quiet >/dev/null 2>&1 || true
  [[ -s "$summary" ]] || die "loadgen wrote no summary for $config at $rate/s"
  cpu_after=$(driver_cpu_seconds)
  elapsed=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
  # The CPU share of the whole step, in % of one core.
  jq --argjson cpu "$(awk -v a="$cpu_before" -v b="$cpu_after" -v t="$elapsed" 'BEGIN { printf "%.1f", 100 * (b - a) / t }')" \
    '. + {driverServiceCpuPercent: $cpu}' "$summary" >"$summary.tmp" && mv "$summary.tmp" "$summary"
  jq -r '
    (.metrics["http_req_failed{scenario:riders}"].rate // 1) as $failed
    | (.scenarios.riders.droppedIterations // 0) as $dropped
    | (.scenarios.riders.iterations // 0) as $iters
    | if $failed < 0.01 and ($iters == 0 or $dropped / ($iters + $dropped) < 0.01) then "pass" else "fail" end
  ' "$summary"
}

# Runs RATES for one configuration; records the highest passing rate.
run_config() {
  local config=$1 rate verdict best="" started
  say "$config: $(config_env "$config")"
  up_stack "$config"
  for rate in $RATES; do
    verdict=$(run_step "$config" "$rate")
    say "$config: $rate trips/s: $verdict ($(jq -r '"p95 \(.metrics["http_req_duration{scenario:riders}"]["p(95)"]) ms, failed \(.metrics["http_req_failed{scenario:riders}"].rate), dropped \(.scenarios.riders.droppedIterations)"' "$OUT_DIR/raw/$config-$rate.json"))"
    [[ "$verdict" == pass ]] || break
    best=$rate
  done
  echo "${best:-none}" >"$OUT_DIR/raw/$config-best"
  started=$(date +%s.%N)
  local limit=$((SECONDS + 600))
  until stream_settled || ((SECONDS > limit)); do sleep 0.2; done
  awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }' >"$OUT_DIR/raw/$config-drain"
  if [[ "$config" == optimized ]]; then measure_limits; fi
}

# ---------------------------------------------------------------- physical limits

measure_limits() {
  local geo_rps geo_p95 pg nginx
  read -r geo_rps _ geo_p95 _ < <(raw_geosearch)
  pg=$(raw_pg_insert_tps 10)
  nginx=$(wrk_measure 10 64 "$API/trip-service/health" | awk '{printf "%.0f", $1}')
  echo "$geo_rps $geo_p95 $pg $nginx" >"$OUT_DIR/raw/limits"
  say "limits: GEOSEARCH $geo_rps $geo_p95 (req/s p95 ms), pgbench INSERT $pg tps, nginx + trivial upstream $nginx req/s"
}

# ---------------------------------------------------------------- report

value() { jq -r "$2" "$OUT_DIR/raw/$1.json" 2>/dev/null || echo "n/a"; }

report() {
  local b o b_best o_best geo_rps geo_p95 pg_tps nginx_rps
  b_best=$(cat "$OUT_DIR/raw/baseline-best")
  o_best=$(cat "$OUT_DIR/raw/optimized-best")
  read -r geo_rps geo_p95 pg_tps nginx_rps <"$OUT_DIR/raw/limits"
  b="baseline-$b_best"
  o="optimized-$o_best"
  local p95='.metrics["http_req_duration{scenario:riders}"]["p(95)"]'
  local search='.metrics["http_req_duration{scenario:driverSearch}"]["p(95)"]'
  local ok='(1 - .metrics["http_req_failed{scenario:riders}"].rate) * 100 | . * 100 | round / 100'
  cat <<EOF
Run $(date -u +%Y-%m-%d) on $(nproc) cores ($(uname -m)), \`make bench-compare\` (scripts/bench-compare.sh):
RATES="$RATES", STEP_DURATION=$STEP_DURATION, SEARCH_RPS=$SEARCH_RPS, ONLINE_DRIVERS=$ONLINE_DRIVERS,
SIM_DRIVERS=$SIM_DRIVERS, OFFER_SECONDS=$OFFER_SECONDS, optimized MATCHER_WORKERS=$OPTIMIZED_MATCHER_WORKERS (one
driver-service process in both). Load generator and servers share the same cores, so every figure is a
lower bound of what the servers alone could do.

| Metric | Seed baseline | Seed optimized | Baseline here (sync, SQL search, no cache) | Optimized here (async queue, Redis GEO, cache) |
| --- | --- | --- | --- | --- |
| Trip create throughput (steady, < 1 % errors) | 120 req/s before 50% errors | 420 req/s, <1% errors | ${b_best} req/s $(why_stopped baseline "$b_best") | ${o_best} req/s $(why_stopped optimized "$o_best") |
| Trip create p95 (at that rate) | 820 ms | 210 ms | $(value "$b" "$p95") ms | $(value "$o" "$p95") ms |
| Trip create p95 at the same rate (${b_best}/s) | — | — | $(value "$b" "$p95") ms | $(value "optimized-$b_best" "$p95") ms |
| Driver search p95 | 380 ms | 95 ms | $(value "$b" "$search") ms | $(value "$o" "$search") ms |
| CPU of driver-service (% of one core, whole step) | pegged at 95% (2 vCPU) | 55% (ASG 3–6) | $(value "$b" .driverServiceCpuPercent)% | $(value "$o" .driverServiceCpuPercent)% |
| Matching queue at peak (waiting + in flight + scheduled retries) / time to settle every event after the last step | n/a | 600 events / drained in < 15 s | n/a (sync) | $(value "$o" '.matchQueueDepth.max // "n/a"') events / $(cat "$OUT_DIR/raw/optimized-drain") s |
| Success rate (trip create) | — | — | $(value "$b" "$ok")% | $(value "$o" "$ok")% |

Physical limits measured in the same run, and the optimized figures as a share of them:

| Limit | Measured | Ours (optimized) | Ratio |
| --- | --- | --- | --- |
| PostgreSQL single-row INSERT (pgbench, 16 clients) | ${pg_tps} tps | ${o_best} trips/s (each: trip + outbox + event rows in one transaction) | $(awk -v a="$o_best" -v b="$pg_tps" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }') |
| Redis GEOSEARCH 3 km (redis-benchmark, 32 clients) | ${geo_rps} req/s, p95 ${geo_p95} ms | search p95 $(value "$o" "$search") ms at ${SEARCH_RPS} req/s | p95 $(awk -v a="$(value "$o" "$search")" -v b="$geo_p95" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }')× |
| nginx + trivial upstream (wrk, 64 connections) | ${nginx_rps} req/s | $(value "$o" '.metrics.http_reqs.rate') req/s (all requests of the step) | $(awk -v a="$(value "$o" '.metrics.http_reqs.rate')" -v b="$nginx_rps" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }') |

Charts: [latency.png](perf/latency.png) (trip create p95 per second, both at ${b_best}/s),
[throughput.png](perf/throughput.png) (trips answered per second at each one's highest passing rate).
Summaries and time series of every step: docs/perf/raw/ (not committed; \`--report-only\` re-renders).
EOF
}

# The first rate of RATES above $1 (any rate when $1 is "none"), to quote
# why the stepping stopped; "none" when there is none.
next_rate() {
  local r
  for r in $RATES; do
    if [[ "$1" == none ]] || ((r > $1)); then
      echo "$r"
      return
    fi
  done
  echo none
}

# "(next step N/s: ...)" from the failing step's summary, or a note that the
# best rate was the highest one tried.
why_stopped() {
  local config=$1 best=$2 next summary
  next=$(next_rate "$best")
  summary="$OUT_DIR/raw/$config-$next.json"
  if [[ "$next" == none || ! -f "$summary" ]]; then
    echo "(the highest rate tried: the limit is above it)"
    return
  fi
  jq -r --arg next "$next" '"(at \($next)/s: \(.metrics["http_req_failed{scenario:riders}"].rate * 100 | round)% failed, \(.scenarios.riders.droppedIterations) of \(.scenarios.riders.iterations + .scenarios.riders.droppedIterations) arrivals dropped, p95 \(.metrics["http_req_duration{scenario:riders}"]["p(95)"] | round) ms)"' "$summary"
}

# latency.png: per-second trip create p95 of both configurations at the same
# rate (the baseline's highest passing one); throughput.png: trips answered
# per second at each configuration's highest passing rate.
charts() {
  local b_best o_best same_b same_o top_o
  b_best=$(cat "$OUT_DIR/raw/baseline-best")
  o_best=$(cat "$OUT_DIR/raw/optimized-best")
  same_b="$OUT_DIR/raw/baseline-$b_best.csv"
  same_o="$OUT_DIR/raw/optimized-$b_best.csv"
  top_o="$OUT_DIR/raw/optimized-$o_best.csv"
  if [[ ! -f "$same_b" || ! -f "$same_o" || ! -f "$top_o" ]]; then
    say "no passing step in one configuration: charts skipped"
    return 0
  fi
  gnuplot <<EOF
set datafile separator ","
set terminal pngcairo size 900,450 noenhanced
set xlabel "seconds (10 s ramp-up, steady stage, 5 s ramp-down)"
set key top left
set output "$OUT_DIR/latency.png"
set title "POST /v1/trips p95 per second (ms), both at ${b_best} trips/s"
plot "< grep ',riders,' $same_b" using 1:6 with lines title "baseline (sync, sql, no cache)", \
     "< grep ',riders,' $same_o" using 1:6 with lines title "optimized (async, geo, cache)"
set output "$OUT_DIR/throughput.png"
set title "POST /v1/trips answered per second at each configuration's highest passing rate"
plot "< grep ',riders,' $same_b" using 1:3 with lines title "baseline, ${b_best}/s", \
     "< grep ',riders,' $top_o" using 1:3 with lines title "optimized, ${o_best}/s"
EOF
}

update_performance_md() {
  [[ "${UPDATE_PERFORMANCE_MD:-1}" == 1 ]] || return 0
  replace_marked_section "$REPO_DIR/docs/PERFORMANCE.md" bench-compare "$OUT_DIR/bench-compare.md" \
    "## Baseline vs optimized (\`make bench-compare\`)"
}

main() {
  if [[ "${1:-}" == --report-only ]]; then
    # Re-renders the tables, charts and docs section from OUT_DIR/raw.
    report >"$OUT_DIR/bench-compare.md"
    charts
    update_performance_md
    cat "$OUT_DIR/bench-compare.md"
    return
  fi
  say "run dir $UITGO_RUN_DIR, results in $OUT_DIR"
  run_config baseline
  run_config optimized
  report >"$OUT_DIR/bench-compare.md"
  charts
  update_performance_md
  cat "$OUT_DIR/bench-compare.md"
}

main "$@"
