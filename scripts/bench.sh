#!/usr/bin/env bash
# `make bench`: the headline figures, each next to the limit it is compared
# with, measured in the same run on this machine, in one table:
#   1. scripts/bench-matching.sh (a fresh private stack per phase): time to
#      assignment at 100 trips/s, trip creation (async; paced at 100/s and
#      closed loop with 32 connections), and a BENCH_BACKLOG-event backlog
#      drained by 3 driver-service processes;
#   2. pgbench single-row INSERT on a fresh PostgreSQL of the same settings:
#      the limit trip creation is compared with;
#   3. scripts/bench-drivers.sh: driver search (GEO, BENCH_DRIVERS drivers,
#      3 km) against raw GEOSEARCH 3 km on the same key, location updates.
# All three BENCH_RUNS times: one 10-second run on two shared cores moves by
# 15 % or more from one run to the next (pgbench and raw GEOSEARCH too), so
# each row shows the run whose figure (for a ratio, whose ratio) is the
# median, with every run's value next to it.
# Writes OUT_DIR/bench.md and, unless UPDATE_PERFORMANCE_MD=0, the section
# between the bench markers of docs/PERFORMANCE.md; every script's own output
# stays in OUT_DIR/raw/run-K/ (not committed). About 6 minutes a run on 2 cores.
#
# environment (defaults): BENCH_RUNS=3, BENCH_PORT_BASE=22000 (ports
# BASE..BASE+9 and BASE+100.. on 127.0.0.1), OUT_DIR=docs/perf,
# UPDATE_PERFORMANCE_MD=1, BENCH_DRIVERS=10000, BENCH_BACKLOG=10000,
# PROFILE_DIR (perf and statement profiles of the drain, see lib.sh),
# UITGO_BIN (build/uitgo), BENCH_REPORT_ONLY=1 (no measuring: the table again
# from the BENCH_RUNS runs already in OUT_DIR/raw/run-K/).
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT_BASE=${BENCH_PORT_BASE:-22000}
OUT_DIR=${OUT_DIR:-$REPO_DIR/docs/perf}
UPDATE_PERFORMANCE_MD=${UPDATE_PERFORMANCE_MD:-1}
drivers=${BENCH_DRIVERS:-10000}
backlog=${BENCH_BACKLOG:-10000}
runs=${BENCH_RUNS:-3}
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive number"
raw="$OUT_DIR/raw"
mkdir -p "$raw"

export UITGO_RUN_DIR
UITGO_RUN_DIR=$(mktemp -d /tmp/uitgo-bench.XXXXXX)
use_port_base "$PORT_BASE"
use_private_stack
require_uitgo_bin
trap 'purge_stack; rm -rf "$UITGO_RUN_DIR"' EXIT

if [[ "${BENCH_REPORT_ONLY:-0}" == 1 ]]; then
  stamp=$(cat "$raw/stamp" 2>/dev/null || run_stamp)
else
  stamp=$(run_stamp)
  echo "$stamp" >"$raw/stamp"
fi
say "$stamp; raw outputs in $raw"

# One run's three measurements into raw/run-$1/.
measure() {
  local dir="$raw/run-$1"
  mkdir -p "$dir"
  say "run $1/$runs: 1/3 trip creation, time to assignment, backlog drain (scripts/bench-matching.sh 10 32 1000 100 $backlog)"
  "$SCRIPT_DIR/bench-matching.sh" 10 32 1000 100 "$backlog" >"$dir/matching.txt" 2>"$dir/matching.log"

  say "run $1/$runs: 2/3 pgbench single-row INSERT"
  purge_stack
  stack up postgres >/dev/null 2>&1 || die "postgres did not start (see $UITGO_RUN_DIR/logs)"
  raw_pg_insert_tps 10 >"$dir/pgbench.txt"
  purge_stack

  say "run $1/$runs: 3/3 driver search vs raw GEOSEARCH (scripts/bench-drivers.sh 10 32 $drivers)"
  "$SCRIPT_DIR/bench-drivers.sh" 10 32 "$drivers" >"$dir/drivers.txt" 2>"$dir/drivers.log"
}

# ---------------------------------------------------------------- figures

# One run's figures, "<name> <value>" per line, into raw/run-$1/figures.
extract() {
  local dir="$raw/run-$1"
  # The loadgen summary line of bench-matching's phase `$1`: "<req/s> <p95>".
  trips_line() {
    awk -v phase="$1" 'index($0, phase) == 1 {
        for (i = 1; i <= NF; i++) { if ($i == "req/s,") rps = $(i - 1); if ($i == "p95") p95 = $(i + 1) }
        print rps, p95; exit }' "$dir/matching.txt"
  }
  # bench-drivers' table rows: "| run | req/s | p50 | p95 | p99 | ratio |".
  row() { awk -F'|' -v run="$1" '$2 ~ run { gsub(/ /, "", $3); gsub(/ /, "", $5); print $3, $5; exit }' "$dir/drivers.txt"; }
  local pg_tps paced_p95 cold_p95 closed_rps closed_p95 alone_rps alone_p95 tta_p95 drain_s drain_rate offer_rate
  local search_rps search_p95 geo_rps pings_rps
  pg_tps=$(cat "$dir/pgbench.txt")
  read -r _ paced_p95 < <(trips_line "async paced:")
  read -r _ cold_p95 < <(trips_line "async paced from a cold start:")
  read -r closed_rps closed_p95 < <(trips_line "async closed:")
  read -r alone_rps alone_p95 < <(trips_line "async closed, matchers stopped:")
  read -r tta_p95 < <(sed -n 's/^time to assignment (async.*p95 \([0-9.]*\) ms.*/\1/p' "$dir/matching.txt")
  read -r drain_s drain_rate < <(sed -n \
    's/^backlog of [0-9]* trip events drained in \([0-9.]*\) s.* = \([0-9]*\) events\/s.*/\1 \2/p' "$dir/matching.txt")
  read -r offer_rate < <(sed -n 's/^backlog of .*first to last offer [0-9.]* s, \([0-9]*\) offers\/s.*/\1/p' "$dir/matching.txt")
  read -r search_rps search_p95 < <(row "search, DRIVER_SEARCH=geo")
  read -r geo_rps _ < <(row "raw redis-benchmark GEOSEARCH 3 km \\(after geo run\\)")
  read -r pings_rps _ < <(row "location updates")
  {
    echo "pg_tps $pg_tps"
    echo "paced_p95 $paced_p95"
    echo "cold_p95 $cold_p95"
    echo "closed_rps $closed_rps"
    echo "closed_p95 $closed_p95"
    echo "closed_ratio $(ratio "$closed_rps" "$pg_tps")"
    echo "alone_rps $alone_rps"
    echo "alone_p95 $alone_p95"
    echo "alone_ratio $(ratio "$alone_rps" "$pg_tps")"
    echo "tta_p95 $tta_p95"
    echo "drain_s $drain_s"
    echo "drain_rate $drain_rate"
    echo "offer_rate $offer_rate"
    echo "search_rps $search_rps"
    echo "search_p95 $search_p95"
    echo "geo_rps $geo_rps"
    echo "search_ratio $(ratio "$search_rps" "$geo_rps")"
    echo "pings_rps $pings_rps"
  } >"$dir/figures"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
# "met" when ratio $1 >= $2 and p95 $3 <= $4.
rate_verdict() { awk -v r="$1" -v rt="$2" -v p="$3" -v pt="$4" 'BEGIN {
  if (r == "" || r == "n/a" || p == "") { print "n/a"; exit }
  print (r >= rt && p <= pt) ? "met" : "not met" }'; }
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
  if (v == "" || v == "n/a") { print "n/a"; exit }
  ok = (op == ">=") ? v >= t : v < t; print ok ? "met" : "not met" }'; }

# Figure $2 of run $1.
fig() { awk -v n="$2" '$1 == n { print $2 }' "$raw/run-$1/figures"; }
# The run whose figure $1 is the median of all runs (the lower one of two middles).
median_run() {
  local k
  for ((k = 1; k <= runs; k++)); do echo "$(fig "$k" "$1") $k"; done |
    sort -g | awk -v n="$runs" 'NR == int((n + 1) / 2) { print $2 }'
}
# Every run's figure $1, in run order: "a, b, c".
all_runs() {
  local k out=""
  for ((k = 1; k <= runs; k++)); do out+="${out:+, }$(fig "$k" "$1")"; done
  echo "$out"
}
# Figure $2 of the median run of figure $1.
at_median() { fig "$(median_run "$1")" "$2"; }
# " (runs: a, b, c)" after a figure when there was more than one run.
spread() { if ((runs > 1)); then echo " (runs: $(all_runs "$1"))"; fi; }

if [[ "${BENCH_REPORT_ONLY:-0}" != 1 ]]; then
  for ((k = 1; k <= runs; k++)); do measure "$k"; done
fi
for ((k = 1; k <= runs; k++)); do extract "$k"; done

drain_rate=$(at_median drain_rate drain_rate)
closed_ratio=$(at_median closed_ratio closed_ratio)
closed_p95=$(at_median closed_ratio closed_p95)
alone_ratio=$(at_median alone_ratio alone_ratio)
alone_p95=$(at_median alone_ratio alone_p95)
paced_p95=$(at_median paced_p95 paced_p95)
tta_p95=$(at_median tta_p95 tta_p95)
search_ratio=$(at_median search_ratio search_ratio)

table="$OUT_DIR/bench.md"
{
  echo "$stamp, \`make bench\` (scripts/bench.sh), $runs run(s): load generator and servers share the cores."
  if ((runs > 1)); then
    echo "Each row shows the run with the median of its figure (for a ratio, of the ratio), every run's value in parentheses."
  fi
  echo
  echo "| figure | measured | limit, same run | ratio | target | |"
  echo "|---|---|---|---|---|---|"
  echo "| matching: ${backlog}-event backlog, 3 driver-service processes × 4 workers | ${drain_rate} events/s$(spread drain_rate) (drained in $(at_median drain_rate drain_s) s, the processes' start included); $(at_median drain_rate offer_rate) offers/s from first to last offer | — | — | ≥ 2,000 events/s | $(verdict "$drain_rate" ">=" 2000) |"
  echo "| trip creation, async, closed loop (32 connections), matchers retrying every trip no driver is free for | $(at_median closed_ratio closed_rps) trips/s, p95 ${closed_p95} ms | pgbench single-row INSERT $(at_median closed_ratio pg_tps) tps | ${closed_ratio}$(spread closed_ratio) | ≥ 0.30, p95 ≤ 20 ms | $(rate_verdict "$closed_ratio" 0.30 "$closed_p95" 20) |"
  echo "| trip creation, async, closed loop (32 connections), matchers stopped: the creation path alone | $(at_median alone_ratio alone_rps) trips/s, p95 ${alone_p95} ms | pgbench single-row INSERT $(at_median alone_ratio pg_tps) tps | ${alone_ratio}$(spread alone_ratio) | ≥ 0.30, p95 ≤ 20 ms | $(rate_verdict "$alone_ratio" 0.30 "$alone_p95" 20) |"
  echo "| trip creation, async, paced at 100/s (after a first second of warm-up) | p95 ${paced_p95} ms$(spread paced_p95) | — | — | p95 ≤ 20 ms | $(verdict "$paced_p95" "<" 20.001) |"
  echo "| trip creation, async, paced at 100/s from a cold start (connections opened, statements prepared in the first second) | p95 $(at_median cold_p95 cold_p95) ms$(spread cold_p95) | — | — | — | |"
  echo "| time to assignment at 100 trips/s (1,000 drivers) | p95 ${tta_p95} ms$(spread tta_p95) | — | — | p95 < 200 ms | $(verdict "$tta_p95" "<" 200) |"
  echo "| driver search, ${drivers} drivers, 3 km, limit 10 | $(at_median search_ratio search_rps) req/s, p95 $(at_median search_ratio search_p95) ms | raw GEOSEARCH 3 km $(at_median search_ratio geo_rps) req/s | ${search_ratio}$(spread search_ratio) | ≥ 2.5 | $(verdict "$search_ratio" ">=" 2.5) |"
  echo "| location updates (PUT /v1/drivers/me/location) | $(at_median pings_rps pings_rps) req/s$(spread pings_rps) | — | — | — | |"
} >"$table"
cat "$table"

if [[ "$UPDATE_PERFORMANCE_MD" == 1 ]]; then
  replace_marked_section "$REPO_DIR/docs/PERFORMANCE.md" bench "$table" "## Figures and limits (\`make bench\`)"
  say "docs/PERFORMANCE.md updated"
fi
