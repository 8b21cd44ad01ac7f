#!/usr/bin/env bash
# `make soak DURATION=3h`: a private stack (gateway, the three services,
# PostgreSQL primary and replica, Redis) under the soak profile
# (loadtests/scenarios/soak.json: trips at TARGET_RPS, searches at 20/s, 50
# simulated drivers taking the trips and streaming positions) for DURATION,
# with the default abuse limits (the seeded riders take turns, one open trip
# each).
#
# Every SAMPLE_SECONDS a sampler writes one line per process to
# OUT_DIR/raw/soak-processes.csv: seconds since the start, process, memory
# (PSS in KiB, with its children: PostgreSQL's backends, nginx's workers), open
# descriptors, threads,
# for the services their Postgres pool (connections in use, open) and the
# heap malloc holds for them (in use, not kept free), and the CPU time the
# process and its children used so far. Every STATEMENT_SAMPLE_SECONDS, and at
# the end, the databases' per-statement counters (calls, time, blocks) go to
# OUT_DIR/raw/soak-statements.tsv. The
# load generator writes per-second requests, errors and latency percentiles of
# every scenario (OUT_DIR/raw/soak-requests.csv), a line a second as it goes.
# At the end: OUT_DIR/soak.png (memory, descriptors and the trips' p99 over
# time) and a summary (each series' average over the first and the last tenth
# of what was sampled, and the statements that got slower per call from the
# first interval between statement samples to the last) in OUT_DIR/soak.md and
# the soak section of docs/PERFORMANCE.md (unless UPDATE_PERFORMANCE_MD=0).
#
# SOAK_REPORT_ONLY=1 measures nothing: it makes the chart and the summary again
# from OUT_DIR/raw, also of a run that was stopped before its end (the summary
# then says how far it got).
#
# environment (defaults): DURATION=3h (Ns, Nm or Nh), TARGET_RPS=20,
# UITGO_PG_SHARED_BUFFERS=1GB, SAMPLE_SECONDS=30, STATEMENT_SAMPLE_SECONDS=600,
# BENCH_PORT_BASE=23000, OUT_DIR=docs/perf, UITGO_BIN, SOAK_REPORT_ONLY=0.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OUT_DIR=${OUT_DIR:-$REPO_DIR/docs/perf}
raw="$OUT_DIR/raw"
mkdir -p "$raw"
processes_csv="$raw/soak-processes.csv"
requests_csv="$raw/soak-requests.csv"
statements_tsv="$raw/soak-statements.tsv"
# What a run was asked for, kept next to its data for SOAK_REPORT_ONLY.
run_file="$raw/soak-run"
if [[ "${SOAK_REPORT_ONLY:-0}" == 1 ]]; then
  [[ -f "$run_file" && -f "$processes_csv" ]] || die "no soak run in $raw (need soak-run and soak-processes.csv)"
  # shellcheck source=/dev/null
  source "$run_file"
  # A run recorded before its buffers were kept had the stack's default.
  UITGO_PG_SHARED_BUFFERS=${UITGO_PG_SHARED_BUFFERS:-128MB}
fi
DURATION=${DURATION:-3h}
SAMPLE_SECONDS=${SAMPLE_SECONDS:-30}
STATEMENT_SAMPLE_SECONDS=${STATEMENT_SAMPLE_SECONDS:-600}
# PostgreSQL's buffers sized for the run's data, as a production server's are
# (a quarter of its memory): with the stack's 128 MB, the data outgrows them
# within the first hour and the run measures that rather than the services
# (docs/PERFORMANCE.md, "What the trips' p99 rise over a soak is made of").
export UITGO_PG_SHARED_BUFFERS=${UITGO_PG_SHARED_BUFFERS:-1GB}
TARGET_RPS=${TARGET_RPS:-20}
PORT_BASE=${BENCH_PORT_BASE:-23000}

# DURATION in seconds: "90s", "45m", "3h" or plain seconds.
seconds_of() {
  local d=$1
  case "$d" in
    *h) echo $((${d%h} * 3600)) ;;
    *m) echo $((${d%m} * 60)) ;;
    *s) echo "${d%s}" ;;
    *) echo "$d" ;;
  esac
}
CLOCK_TICKS=$(getconf CLK_TCK)
duration_s=$(seconds_of "$DURATION")
if ! [[ "$duration_s" =~ ^[0-9]+$ ]] || ((duration_s == 0)); then die "DURATION must look like 90s, 45m or 3h"; fi

# A process and its children (PostgreSQL's backends, nginx's workers), the
# process first.
tree_pids() { { echo "$1"; ps -o pid= --ppid "$1" 2>/dev/null; } | xargs; }

# Memory (KiB) of the processes given: the sum of their PSS, which shares each
# shared page among the processes mapping it (a sum of RSS would count
# PostgreSQL's shared buffers once per backend that touched them).
tree_pss() {
  local pid total=0 kb
  for pid in "$@"; do
    kb=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || true)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

# CPU seconds the processes given (a process, then its children) used: those
# running now, and, through the first, its children that ended (PostgreSQL's
# autovacuum workers), which the kernel adds to their parent. The fields after
# the command name: utime is the 12th, then stime, cutime, cstime, in clock
# ticks. A child may end between listing and reading (autovacuum workers do):
# cat reads the others and fails, which must not end the sampler.
tree_cpu() {
  local pid stats
  stats=$(for pid in "$@"; do echo "/proc/$pid/stat"; done | xargs cat 2>/dev/null) || true
  awk -v hz="$CLOCK_TICKS" '{ sub(/.*\) /, ""); t += $12 + $13; if (NR == 1) t += $14 + $15 }
    END { printf "%.2f\n", t / hz }' <<<"$stats"
}

# "<in use> <open> <heap KiB>" of a service (its /metrics): connections of its
# Postgres pools, and the heap malloc holds for it (blocks in use, not the
# free ones it keeps for reuse), which a leak makes grow when RSS may not.
service_stats() {
  curl -sf --max-time 2 "http://127.0.0.1:$1/metrics" | awk '
    /^pg_pool_connections\{/ && /state="in_use"/ { used += $NF }
    /^pg_pool_connections\{/ && (/state="in_use"/ || /state="idle"/) { open += $NF }
    /^process_heap_bytes\{/ && /state="in_use"/ { heap = $NF / 1024 }
    END { printf "%d %d %d\n", used, open, heap }'
}

sample() {
  local started=$1 t name pid pids rss fds threads used open heap port cpu
  echo "t_s,process,pss_kb,fds,threads,pool_in_use,pool_open,heap_kb,cpu_s"
  while :; do
    t=$((SECONDS - started))
    for file in "$UITGO_RUN_DIR"/pids/*.pid; do
      name=$(basename "$file" .pid)
      read -r pid <"$file" || continue
      [[ -d "/proc/$pid" ]] || continue
      read -r -a pids < <(tree_pids "$pid")
      rss=$(tree_pss "${pids[@]}")
      cpu=$(tree_cpu "${pids[@]}")
      fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
      threads=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
      used="" open="" heap=""
      case "$name" in
        user-service) port=$UITGO_USER_PORT ;;
        trip-service) port=$UITGO_TRIP_PORT ;;
        driver-service) port=$UITGO_DRIVER_PORT ;;
        *) port="" ;;
      esac
      if [[ -n "$port" ]]; then read -r used open heap < <(service_stats "$port" || echo "0 0 0"); fi
      echo "$t,$name,$rss,$fds,$threads,$used,$open,$heap,$cpu"
    done
    sleep "$SAMPLE_SECONDS"
  done
}

# The statements' counters now, labelled with the seconds since the start.
sample_statements() { statement_counters "$((SECONDS - $1))" >>"$statements_tsv" || true; }
statement_sampler() {
  while sleep "$STATEMENT_SAMPLE_SECONDS"; do sample_statements "$1"; done
}

# TERM, then KILL if it is still there after 5 s.
stop_process() {
  kill "$1" 2>/dev/null || return 0
  for _ in {1..50}; do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$1" 2>/dev/null || true
}
cleanup() {
  if [[ -n "$loadgen_pid" ]]; then stop_process "$loadgen_pid"; fi
  if [[ -n "$sampler_pid" ]]; then kill "$sampler_pid" 2>/dev/null || true; fi
  if [[ -n "$statement_sampler_pid" ]]; then kill "$statement_sampler_pid" 2>/dev/null || true; fi
  purge_stack
  rm -rf "$UITGO_RUN_DIR"
}

# The run: a private stack under the soak profile for DURATION, sampled.
measure() {
  export UITGO_RUN_DIR
  UITGO_RUN_DIR=$(mktemp -d /tmp/uitgo-soak.XXXXXX)
  use_port_base "$PORT_BASE"
  use_private_stack
  require_uitgo_bin
  sampler_pid=""
  statement_sampler_pid=""
  loadgen_pid=""
  trap cleanup EXIT
  # A signal ends the script through its EXIT trap: the load generator runs in
  # the background (a foreground command would hold the trap until it ends)
  # and is stopped there, not left behind.
  trap 'exit 143' TERM
  trap 'exit 130' INT

  stamp=$(run_stamp)
  printf 'stamp=%q\nDURATION=%q\nTARGET_RPS=%q\nSAMPLE_SECONDS=%q\nSTATEMENT_SAMPLE_SECONDS=%q\nUITGO_PG_SHARED_BUFFERS=%q\n' \
    "$stamp" "$DURATION" "$TARGET_RPS" "$SAMPLE_SECONDS" "$STATEMENT_SAMPLE_SECONDS" "$UITGO_PG_SHARED_BUFFERS" >"$run_file"
  export LOG_LEVEL=warn
  stack up postgres redis services nginx >/dev/null 2>&1 || die "stack up failed (see $UITGO_RUN_DIR/logs)"

  say "$stamp; soak for $DURATION (${duration_s} s), samples every ${SAMPLE_SECONDS} s, results in $OUT_DIR"
  local started=$SECONDS
  reset_statement_counters
  : >"$statements_tsv"
  sample_statements "$started"
  statement_sampler "$started" &
  statement_sampler_pid=$!
  sample "$started" >"$processes_csv" &
  sampler_pid=$!
  # As many seeded drivers as the profile simulates (its DRIVERS).
  API_BASE="http://127.0.0.1:$UITGO_GATEWAY_PORT" DURATION="${duration_s}s" TARGET_RPS="$TARGET_RPS" \
    SEED_DRIVERS="${SEED_DRIVERS:-50}" SEED_TOKEN_TTL_SECONDS=$((duration_s + 3600)) \
    RESULT="${requests_csv%.csv}.json" \
    "$SCRIPT_DIR/loadtest.sh" soak >"$raw/soak-loadgen.txt" 2>&1 &
  loadgen_pid=$!
  local loadgen_rc=0
  wait "$loadgen_pid" || loadgen_rc=$?
  loadgen_pid=""
  ((loadgen_rc == 0)) || say "the load generator reported failures (see $raw/soak-loadgen.txt)"
  kill "$sampler_pid" "$statement_sampler_pid" 2>/dev/null || true
  sampler_pid=""
  statement_sampler_pid=""
  sample_statements "$started"
}

require_tools --hint "scripts/install-deps.sh --bench" gnuplot curl
if [[ "${SOAK_REPORT_ONLY:-0}" != 1 ]]; then measure; fi

# ---------------------------------------------------------------- report

# How far the run got: the last sample's time (a run stopped early, or still
# going, has fewer seconds than DURATION).
span=$(awk -F, 'NR > 1 && $1 > t { t = $1 } END { print t + 0 }' "$processes_csv")
((span > 0)) || die "$processes_csv has no samples"
length_note="for $DURATION"
if ((span + 2 * SAMPLE_SECONDS < duration_s)); then length_note="$((span / 60)) min of $DURATION (stopped early)"; fi

# The trips' p99 per minute: the mean of the per-second p99 of POST /v1/trips,
# each second weighted by its requests (the run's last second may hold one).
# A run without the per-second CSV has only the load generator's progress
# lines: their p95 of all requests stands in, and the chart says so.
latency_title="POST /v1/trips p99 (ms)"
if [[ -s "$requests_csv" ]]; then
  awk -F, 'NR > 1 && $2 == "riders" && $3 > 0 { m = int($1 / 60); s[m] += $7 * $3; n[m] += $3 }
    END { for (m in s) printf "%d %.2f %d\n", m, s[m] / n[m], n[m] }' "$requests_csv" | sort -n >"$raw/soak-p99.dat"
else
  latency_title="all requests p95 (ms)"
  awk '$1 == "loadgen" && $2 ~ /^[0-9]+s$/ { for (i = 3; i < NF; i++) if ($i == "p95") {
      m = int($2 / 60); s[m] += $(i + 1); n[m]++ } }
    END { for (m in s) printf "%d %.2f %d\n", m, s[m] / n[m], n[m] }' "$raw/soak-loadgen.txt" | sort -n >"$raw/soak-p99.dat"
fi

gnuplot <<EOF
set terminal pngcairo size 1200,900
set output "$OUT_DIR/soak.png"
set datafile separator ","
set multiplot layout 3,1 title "Soak, $stamp, $length_note"
set xlabel "minutes"
set ylabel "memory, PSS (MiB)"
set key outside right
plot for [p in "user-service trip-service driver-service postgres redis nginx"] \
  sprintf("< grep ',%s,' $processes_csv", p) using (\$1 / 60):(\$3 / 1024) with lines title p
set ylabel "open descriptors"
plot for [p in "user-service trip-service driver-service"] \
  sprintf("< grep ',%s,' $processes_csv", p) using (\$1 / 60):4 with lines title p
set datafile separator whitespace
set ylabel "$latency_title"
plot "$raw/soak-p99.dat" using 1:2 with lines title "per-second value, mean per minute"
unset multiplot
EOF

# "<first tenth average> <last tenth average>" of column $2 for process $1.
ends() {
  awk -F, -v p="$1" -v c="$2" -v span="$span" 'NR > 1 && $2 == p && $c != "" {
      if ($1 <= span / 10) { a += $c; na++ } else if ($1 >= span * 9 / 10) { b += $c; nb++ } }
    END { if (na && nb) printf "%.0f %.0f\n", a / na, b / nb; else print "n/a n/a" }' "$processes_csv"
}
# "<first tenth> <last tenth>": the CPU process $1 used over each, in percent of
# one core (the change of its cumulative column 9 between the tenth's first and
# last sample). A run sampled before this column existed has "n/a n/a".
cpu_share() {
  awk -F, -v p="$1" -v span="$span" 'NR > 1 && $2 == p && $9 != "" {
      if ($1 <= span / 10) { if (a0 == "") { a0 = $9; ta0 = $1 } a1 = $9; ta1 = $1 }
      else if ($1 >= span * 9 / 10) { if (b0 == "") { b0 = $9; tb0 = $1 } b1 = $9; tb1 = $1 } }
    END { if (ta1 > ta0 && tb1 > tb0) printf "%.1f %.1f\n", (a1 - a0) * 100 / (ta1 - ta0), (b1 - b0) * 100 / (tb1 - tb0)
          else print "n/a n/a" }' "$processes_csv"
}

# The statements that got slower per call from the first interval between
# statement samples to the last, ranked by what that costs now (the growth of
# their time per call times their calls per minute in the last interval; the
# first interval holds the ramp-up, so more calls alone is no finding): a
# markdown table of the top six, or nothing when fewer than three samples were
# taken.
statement_growth() {
  [[ -s "$statements_tsv" ]] || return 0
  awk -F'\t' -v period="$STATEMENT_SAMPLE_SECONDS" '
    { k = $2 SUBSEP $3; calls[k, $1] = $4; ms[k, $1] = $5; blocks[k, $1] = $6; text[k] = $7
      if (!($1 in seen)) { seen[$1] = 1; at[++n] = $1 } }
    function per_call(k, a, b) { return (ms[k, b] - ms[k, a]) / (calls[k, b] - calls[k, a]) }
    END {
      # The sample taken as the run ends follows the last periodic one by a
      # few seconds when the run lasts a whole number of periods: those hold
      # the drivers going offline, not the load.
      if (n > 1 && at[n] - at[n - 1] < period / 2) n--
      if (n < 3) exit
      a = at[1]; b = at[2]; y = at[n - 1]; z = at[n]
      for (k in text) {
        # Counted from zero at the first sample: a statement missing there had not run yet.
        if (!((k, z) in calls)) continue
        c1 = calls[k, b] - calls[k, a]; c2 = calls[k, z] - calls[k, y]
        if (c1 <= 0 || c2 <= 0) continue
        split(k, key, SUBSEP)
        per_minute = c2 * 60 / (z - y)
        printf "%.3f\t| %s | %.0f | %.3f → %.3f | %.0f | %.1f → %.1f | `%s` |\n",
          (per_call(k, y, z) - per_call(k, a, b)) * per_minute, key[1], per_minute, per_call(k, a, b), per_call(k, y, z),
          per_call(k, y, z) * per_minute, (blocks[k, b] - blocks[k, a]) / c1, (blocks[k, z] - blocks[k, y]) / c2,
          substr(text[k], 1, 90)
      }
    }' "$statements_tsv" | sort -t$'\t' -k1,1 -rn | head -6 | cut -f2-
}

change() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%+.1f %%", (b - a) * 100 / a; else print "n/a" }'; }

# The load generator's own summary; a run stopped early has none, only its
# per-second progress lines.
loadgen_summary() {
  local log="$raw/soak-loadgen.txt"
  grep -m1 -E '^loadgen: [0-9]+ requests in |http_reqs' "$log" && return 0
  grep -E '^loadgen +[0-9]+s ' "$log" | awk '{ n++; if ($0 !~ / errors 0 /) e++; last = $0 }
    END { printf "none (stopped early); %d per-second lines, %d of them with errors; the last: `%s`\n", n, e, last }'
}
simulated=$(sed -n 's/^loadgen: only .* simulating \([0-9]*\)$/\1/p' "$raw/soak-loadgen.txt" | head -1)

summary="$OUT_DIR/soak.md"
{
  echo "$stamp, \`make soak DURATION=$DURATION\` (scripts/soak.sh), ran $length_note: trips at ${TARGET_RPS}/s"
  echo "and searches at 20/s with ${simulated:-50} simulated drivers, PostgreSQL shared_buffers ${UITGO_PG_SHARED_BUFFERS},"
  echo "samples every ${SAMPLE_SECONDS} s; first and last tenth"
  echo "of what was sampled averaged. Chart: [soak.png](perf/soak.png)."
  echo
  echo "| process | memory (PSS) first → last tenth (MiB) | change | heap in use first → last (KiB) | descriptors first → last | Postgres pool in use (avg of last tenth) | CPU, % of a core, first → last |"
  echo "|---|---|---|---|---|---|---|"
  for p in user-service trip-service driver-service postgres redis nginx; do
    read -r r1 r2 < <(ends "$p" 3)
    read -r f1 f2 < <(ends "$p" 4)
    read -r _ u2 < <(ends "$p" 6)
    read -r h1 h2 < <(ends "$p" 8)
    read -r c1 c2 < <(cpu_share "$p")
    echo "| $p | $(awk -v a="$r1" -v b="$r2" 'BEGIN { printf "%.1f → %.1f", a / 1024, b / 1024 }') | $(change "$r1" "$r2") | $h1 → $h2 | $f1 → $f2 | ${u2} | $c1 → $c2 |"
  done
  echo
  # Minutes weighted by what they hold (column 3): the last one may be a second.
  read -r q1 q2 < <(awk -v span="$((span / 60))" '{ if ($1 <= span / 10) { a += $2 * $3; na += $3 } else if ($1 >= span * 9 / 10) { b += $2 * $3; nb += $3 } }
    END { if (na && nb) printf "%.1f %.1f\n", a / na, b / nb; else print "n/a n/a" }' "$raw/soak-p99.dat")
  echo "${latency_title% (ms)} (per-second value, averaged): ${q1} ms over the first tenth, ${q2} ms over the last."
  echo "Load generator summary: $(loadgen_summary)"
  growth=$(statement_growth)
  if [[ -n "$growth" ]]; then
    echo
    echo "The statements that got slower per call, first → last interval between statement samples (every"
    echo "${STATEMENT_SAMPLE_SECONDS} s), ranked by the time that costs per minute now:"
    echo
    echo "| database | calls per minute (last) | ms per call, first → last | ms per minute (last) | blocks per call, first → last | statement |"
    echo "|---|---|---|---|---|---|"
    echo "$growth"
  fi
} >"$summary"
cat "$summary"

if [[ "${UPDATE_PERFORMANCE_MD:-1}" == 1 ]]; then
  replace_marked_section "$REPO_DIR/docs/PERFORMANCE.md" soak "$summary" "## Soak (\`make soak\`)"
fi
