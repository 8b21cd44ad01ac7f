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
# Writes OUT_DIR/bench.md and, unless UPDATE_PERFORMANCE_MD=0, the section
# between the bench markers of docs/PERFORMANCE.md; every script's own output
# stays in OUT_DIR/raw/ (not committed). About 6 minutes on 2 cores.
#
# environment (defaults): BENCH_PORT_BASE=22000 (ports BASE..BASE+9 and
# BASE+100.. on 127.0.0.1), OUT_DIR=docs/perf, UPDATE_PERFORMANCE_MD=1,
# BENCH_DRIVERS=10000, BENCH_BACKLOG=10000, PROFILE_DIR (perf and statement
# profiles of the drain, see lib.sh), UITGO_BIN (build/uitgo).
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT_BASE=${BENCH_PORT_BASE:-22000}
OUT_DIR=${OUT_DIR:-$REPO_DIR/docs/perf}
UPDATE_PERFORMANCE_MD=${UPDATE_PERFORMANCE_MD:-1}
drivers=${BENCH_DRIVERS:-10000}
backlog=${BENCH_BACKLOG:-10000}
raw="$OUT_DIR/raw"
mkdir -p "$raw"

export UITGO_RUN_DIR
UITGO_RUN_DIR=$(mktemp -d /tmp/uitgo-bench.XXXXXX)
use_port_base "$PORT_BASE"
use_private_stack
require_uitgo_bin
trap 'purge_stack; rm -rf "$UITGO_RUN_DIR"' EXIT

stamp=$(run_stamp)
say "$stamp; raw outputs in $raw"

say "1/3 trip creation, time to assignment, backlog drain (scripts/bench-matching.sh 10 32 1000 100 $backlog)"
"$SCRIPT_DIR/bench-matching.sh" 10 32 1000 100 "$backlog" >"$raw/matching.txt" 2>"$raw/matching.log"

say "2/3 pgbench single-row INSERT"
purge_stack
stack up postgres >/dev/null 2>&1 || die "postgres did not start (see $UITGO_RUN_DIR/logs)"
pg_tps=$(raw_pg_insert_tps 10)
echo "$pg_tps" >"$raw/pgbench.txt"
purge_stack

say "3/3 driver search vs raw GEOSEARCH (scripts/bench-drivers.sh 10 32 $drivers)"
"$SCRIPT_DIR/bench-drivers.sh" 10 32 "$drivers" >"$raw/drivers.txt" 2>"$raw/drivers.log"

# ---------------------------------------------------------------- figures

# The loadgen summary line of bench-matching's phase `$1`: "<req/s> <p95>".
trips_line() {
  awk -v phase="$1" 'index($0, phase) == 1 {
      for (i = 1; i <= NF; i++) { if ($i == "req/s,") rps = $(i - 1); if ($i == "p95") p95 = $(i + 1) }
      print rps, p95; exit }' "$raw/matching.txt"
}
read -r _ paced_p95 < <(trips_line "async paced:")
read -r _ cold_p95 < <(trips_line "async paced from a cold start:")
read -r closed_rps closed_p95 < <(trips_line "async closed:")
read -r alone_rps alone_p95 < <(trips_line "async closed, matchers stopped:")
read -r tta_p95 < <(sed -n 's/^time to assignment (async.*p95 \([0-9.]*\) ms.*/\1/p' "$raw/matching.txt")
read -r drain_s drain_rate < <(sed -n \
  's/^backlog of [0-9]* trip events drained in \([0-9.]*\) s.* = \([0-9]*\) events\/s.*/\1 \2/p' "$raw/matching.txt")
read -r offer_rate < <(sed -n 's/^backlog of .*first to last offer [0-9.]* s, \([0-9]*\) offers\/s.*/\1/p' "$raw/matching.txt")
# bench-drivers' table rows: "| run | req/s | p50 | p95 | p99 | ratio |".
row() { awk -F'|' -v run="$1" '$2 ~ run { gsub(/ /, "", $3); gsub(/ /, "", $5); print $3, $5; exit }' "$raw/drivers.txt"; }
read -r search_rps search_p95 < <(row "search, DRIVER_SEARCH=geo")
read -r geo_rps _ < <(row "raw redis-benchmark GEOSEARCH 3 km \\(after geo run\\)")
read -r pings_rps _ < <(row "location updates")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
# "met" when ratio $1 >= $2 and p95 $3 <= $4.
rate_verdict() { awk -v r="$1" -v rt="$2" -v p="$3" -v pt="$4" 'BEGIN {
  if (r == "" || r == "n/a" || p == "") { print "n/a"; exit }
  print (r >= rt && p <= pt) ? "met" : "not met" }'; }
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
  if (v == "" || v == "n/a") { print "n/a"; exit }
  ok = (op == ">=") ? v >= t : v < t; print ok ? "met" : "not met" }'; }

table="$OUT_DIR/bench.md"
{
  echo "$stamp, \`make bench\` (scripts/bench.sh): load generator and servers share the cores."
  echo
  echo "| figure | measured | limit, same run | ratio | target | |"
  echo "|---|---|---|---|---|---|"
  echo "| matching: ${backlog}-event backlog, 3 driver-service processes × 4 workers | ${drain_rate} events/s (drained in ${drain_s} s, the processes' start included); ${offer_rate} offers/s from first to last offer | — | — | ≥ 2,000 events/s | $(verdict "$drain_rate" ">=" 2000) |"
  echo "| trip creation, async, closed loop (32 connections), matchers retrying every trip no driver is free for | ${closed_rps} trips/s, p95 ${closed_p95} ms | pgbench single-row INSERT ${pg_tps} tps | $(ratio "$closed_rps" "$pg_tps") | ≥ 0.30, p95 ≤ 20 ms | $(rate_verdict "$(ratio "$closed_rps" "$pg_tps")" 0.30 "$closed_p95" 20) |"
  echo "| trip creation, async, closed loop (32 connections), matchers stopped: the creation path alone | ${alone_rps} trips/s, p95 ${alone_p95} ms | pgbench single-row INSERT ${pg_tps} tps | $(ratio "$alone_rps" "$pg_tps") | ≥ 0.30, p95 ≤ 20 ms | $(rate_verdict "$(ratio "$alone_rps" "$pg_tps")" 0.30 "$alone_p95" 20) |"
  echo "| trip creation, async, paced at 100/s (after a first second of warm-up) | p95 ${paced_p95} ms | — | — | p95 ≤ 20 ms | $(verdict "$paced_p95" "<" 20.001) |"
  echo "| trip creation, async, paced at 100/s from a cold start (connections opened, statements prepared in the first second) | p95 ${cold_p95} ms | — | — | — | |"
  echo "| time to assignment at 100 trips/s (1,000 drivers) | p95 ${tta_p95} ms | — | — | p95 < 200 ms | $(verdict "$tta_p95" "<" 200) |"
  echo "| driver search, ${drivers} drivers, 3 km, limit 10 | ${search_rps} req/s, p95 ${search_p95} ms | raw GEOSEARCH 3 km ${geo_rps} req/s | $(ratio "$search_rps" "$geo_rps") | ≥ 2.5 | $(verdict "$(ratio "$search_rps" "$geo_rps")" ">=" 2.5) |"
  echo "| location updates (PUT /v1/drivers/me/location) | ${pings_rps} req/s | — | — | — | |"
} >"$table"
cat "$table"

if [[ "$UPDATE_PERFORMANCE_MD" == 1 ]]; then
  replace_marked_section "$REPO_DIR/docs/PERFORMANCE.md" bench "$table" "## Figures and limits (\`make bench\`)"
  say "docs/PERFORMANCE.md updated"
fi
