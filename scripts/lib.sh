# shellcheck shell=bash disable=SC2034 # names for the scripts that source this file
# lib.sh - what the bench scripts and loadtest.sh share: paths, messages, the
# uitgo binary and bench tools, a private stack run by scripts/stack.sh (its
# ports, secrets, purge on exit) and small psql / redis-cli / wrk helpers.
#
# usage, after `set -euo pipefail`:  source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=stack/defaults.sh
source "$SCRIPT_DIR/stack/defaults.sh"

# Messages start with the script's name; die exits with DIE_STATUS.
SCRIPT_NAME=$(basename "$0" .sh)
DIE_STATUS=1

say() { echo "$SCRIPT_NAME: $*" >&2; }
die() {
  say "$@"
  exit "$DIE_STATUS"
}

# require_tools [--hint TEXT] TOOL...: dies naming the first tool missing from PATH.
require_tools() {
  local hint="" tool
  if [[ "${1:-}" == --hint ]]; then
    hint=" ($2)"
    shift 2
  fi
  for tool in "$@"; do
    command -v "$tool" >/dev/null || die "$tool is not installed$hint"
  done
}

# Exports UITGO_BIN (default build/uitgo, as stack.sh) and dies unless it exists.
require_uitgo_bin() {
  export UITGO_BIN=${UITGO_BIN:-$REPO_DIR/build/uitgo}
  [[ -x "$UITGO_BIN" ]] || die "$UITGO_BIN not found: run make build"
}

# require_bench_tool NAME: sets the variable NAME in capitals (e.g. DRIVER_LOAD)
# to the bench program NAME: that variable's value from the environment, or
# bench/NAME next to UITGO_BIN; dies unless it exists.
require_bench_tool() {
  local name=$1 var=${1^^}
  printf -v "$var" '%s' "${!var:-$(dirname "$UITGO_BIN")/bench/$name}"
  [[ -x "${!var}" ]] || die "${!var} not found (build the $name target, UITGO_BUILD_BENCH=ON)"
}

# "Run <UTC minute> on <N> cores": how every bench report starts.
run_stamp() { echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores"; }

# ---------------------------------------------------------------- the stack

# free_ports N: N distinct TCP ports nothing on this machine listens on, drawn
# at random from 20000-31999: below the kernel's ephemeral range (so no
# outgoing connection holds one) and away from the local stack's defaults.
free_ports() {
  local n=$1 port
  local -a picked=()
  local -A taken=()
  for port in $(ss -Htln 2>/dev/null | awk '{ sub(/.*:/, "", $4); print $4 }'); do taken[$port]=1; done
  while ((${#picked[@]} < n)); do
    port=$((20000 + RANDOM % 12000))
    [[ -z "${taken[$port]:-}" ]] || continue
    taken[$port]=1
    picked+=("$port")
  done
  echo "${picked[*]}"
}

# stack_port NAME: the port stack.sh uses for NAME (PG, PG_REPLICA, REDIS,
# GATEWAY, USER, TRIP, DRIVER): UITGO_<NAME>_PORT or stack.sh's default.
stack_port() {
  local var="UITGO_$1_PORT" default="DEFAULT_$1_PORT"
  echo "${!var:-${!default}}"
}

stack() { "$SCRIPT_DIR/stack.sh" "$@"; }

# Dies unless UITGO_RUN_DIR names a run dir for a private stack; sets
# STACK_SECRETS to its secrets file (written by the first `stack up`).
use_private_stack() {
  [[ -n "${UITGO_RUN_DIR:-}" ]] || die "set UITGO_RUN_DIR (and the UITGO_*_PORT variables) to a private stack"
  STACK_SECRETS="$UITGO_RUN_DIR/secrets.env"
}

# use_port_base BASE: a private stack on ports BASE..BASE+6 of 127.0.0.1
# (postgres, its replica, redis, gateway, user, trip, driver service).
use_port_base() {
  local base=$1
  export UITGO_PG_PORT=$base UITGO_PG_REPLICA_PORT=$((base + 1)) UITGO_REDIS_PORT=$((base + 2))
  export UITGO_GATEWAY_PORT=$((base + 3)) UITGO_USER_PORT=$((base + 4)) UITGO_TRIP_PORT=$((base + 5))
  export UITGO_DRIVER_PORT=$((base + 6))
}

# Capacity benchmarks drive thousands of requests a second from a few
# synthetic tokens (bench/driver_load, wrk): the per-user limits and the
# open-trip cap would measure the limiter instead. make bench-compare, make
# chaos and make loadtest-trip-matching keep the defaults (their riders hold
# one trip each). LIFT_PER_USER_LIMITS=false in the caller's environment keeps
# them, to measure what the per-user bucket costs.
lift_per_user_limits() { export LIFT_PER_USER_LIMITS="${LIFT_PER_USER_LIMITS:-true}"; }

# Stops the private stack and deletes its run dir; never fails.
purge_stack() { stack purge >/dev/null 2>&1 || true; }

# Purges the private stack when the script exits, unless BENCH_KEEP=1.
purge_stack_on_exit() {
  if [[ "${BENCH_KEEP:-0}" != 1 ]]; then trap purge_stack EXIT; fi
}

# The value of one secret of the private stack (JWT_SECRET, INTERNAL_TOKEN).
stack_secret() { sed -n "s/^$1=//p" "$STACK_SECRETS"; }

# ---------------------------------------------------------------- clients

# stack_psql DB ARGS...: psql on the stack's primary as its database role.
stack_psql() {
  local db=$1
  shift
  PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p "$(stack_port PG)" -U "$PG_USER" -d "$db" "$@"
}

stack_redis() { redis-cli -p "$(stack_port REDIS)" "$@"; }

# SQL on the stack's trip_db, unaligned and without headers.
trip_sql() { stack_psql trip_db -tA -c "$1"; }

# "p50 p95 count" of the time from creation to the first offer, in ms.
assignment_times() {
  trip_sql "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1),
                   round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 1), count(*)
            FROM (SELECT extract(epoch FROM offered_at - created_at) * 1000 AS ms FROM trips
                  WHERE offered_at IS NOT NULL) x" | tr '|' ' '
}

# replace_marked_section FILE NAME BODY-FILE [TITLE]: puts BODY-FILE's lines
# between the lines "<!-- NAME:begin -->" and "<!-- NAME:end -->" of FILE; the
# markers (under TITLE, when given) are appended first if FILE lacks them.
replace_marked_section() {
  local md=$1 name=$2 body=$3 title=${4:-}
  local begin="<!-- $name:begin -->" end="<!-- $name:end -->"
  if ! grep -qF "$begin" "$md"; then
    if [[ -n "$title" ]]; then printf '\n%s\n' "$title" >>"$md"; fi
    printf '\n%s\n%s\n' "$begin" "$end" >>"$md"
  fi
  awk -v begin="$begin" -v end="$end" -v body="$body" '
    $0 == begin { print; while ((getline line < body) > 0) print line; skip = 1; next }
    $0 == end { skip = 0 }
    !skip { print }
  ' "$md" >"$md.tmp" && mv "$md.tmp" "$md"
}

# ---------------------------------------------------------------- statements

# The per-statement counters (pg_stat_statements, loaded by stack/postgres.sh)
# of the three databases, from zero.
reset_statement_counters() {
  local db
  for db in user_db trip_db driver_db; do
    stack_psql "$db" -qtA -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()" \
      >/dev/null
  done
}

# statement_counters LABEL: one tab-separated line per statement of each
# database, counted since reset_statement_counters: LABEL, database, query id,
# calls, total execution time (ms), shared blocks hit or read, the statement
# (whitespace squeezed).
statement_counters() {
  local db
  for db in user_db trip_db driver_db; do
    stack_psql "$db" -qtA -F $'\t' -c "SELECT '$1', current_database(), queryid, calls,
        round(total_exec_time::numeric, 3), shared_blks_hit + shared_blks_read, regexp_replace(query, '\s+', ' ', 'g')
      FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
  done
}

# ---------------------------------------------------------------- profiles

# With PROFILE_DIR set, profile_start NAME records every process's stacks
# (perf record -a -g, 99 Hz) and resets the per-statement counters of every
# database and Redis's command counters; profile_stop writes NAME.perf.data
# and NAME.statements.txt (the 15 costliest statements of each database by
# total time, then Redis's INFO commandstats) into PROFILE_DIR.
# Without PROFILE_DIR both do nothing. Flame graphs: perf script | ... .
profile_start() {
  [[ -n "${PROFILE_DIR:-}" ]] || return 0
  mkdir -p "$PROFILE_DIR"
  PROFILE_NAME=$1
  reset_statement_counters
  stack_redis CONFIG RESETSTAT >/dev/null
  perf record -a -g -F 99 -o "$PROFILE_DIR/$PROFILE_NAME.perf.data" >/dev/null 2>&1 &
  PROFILE_PID=$!
}

profile_stop() {
  [[ -n "${PROFILE_PID:-}" ]] || return 0
  kill -INT "$PROFILE_PID" 2>/dev/null || true
  wait "$PROFILE_PID" 2>/dev/null || true
  PROFILE_PID=""
  local db out="$PROFILE_DIR/$PROFILE_NAME.statements.txt"
  : >"$out"
  for db in user_db trip_db driver_db; do
    echo "== $db" >>"$out"
    stack_psql "$db" -c "SELECT calls, round(total_exec_time::numeric, 1) AS total_ms,
        round(mean_exec_time::numeric, 3) AS mean_ms, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 160) AS query
      FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY total_exec_time DESC LIMIT 15" >>"$out" 2>&1 || true
  done
  echo "== redis (INFO commandstats)" >>"$out"
  stack_redis INFO commandstats | tr -d '\r' | grep '^cmdstat_' | sort -t= -k4 -rn >>"$out" || true
  echo "profile: $PROFILE_DIR/$PROFILE_NAME.perf.data, $out" >&2
}

# wait_until CONDITION LIMIT: waits until CONDITION (SQL on trip_db returning
# true/false) holds, at most LIMIT seconds; prints the seconds it took.
wait_until() {
  local condition=$1 limit=$2 started=$SECONDS
  until [[ "$(trip_sql "SELECT $condition")" == t ]]; do
    ((SECONDS - started < limit)) || die "timed out after ${limit}s waiting for: $condition"
    sleep 0.2
  done
  echo $((SECONDS - started))
}

# XINFO GROUPS of the matching stream trip:match on one line; empty when the
# stream does not exist (sync matching never creates it).
match_groups_info() { stack_redis XINFO GROUPS trip:match 2>/dev/null | tr '\n' ' '; }

# "LAG PENDING" of the matchers' consumer group (XINFO GROUPS): entries not
# yet delivered to any matcher, and entries delivered but not acknowledged.
# Either is "?" when Redis does not say (lag is nil after some deletions; no
# stream at all).
match_stream_state() {
  local info lag="?" pending="?"
  info=$(match_groups_info)
  if [[ "$info" =~ pending\ ([0-9]+) ]]; then pending=${BASH_REMATCH[1]}; fi
  if [[ "$info" =~ lag\ ([0-9]+) ]]; then lag=${BASH_REMATCH[1]}; fi
  echo "$lag $pending"
}

# True when the matchers' consumer group has read every entry and holds none
# unacknowledged (lag 0, nothing pending).
match_stream_drained() { [[ "$(match_stream_state)" == "0 0" ]]; }

# The id of the newest entry of the matching stream (empty when it has none).
match_stream_last_id() { stack_redis XREVRANGE trip:match + - COUNT 1 2>/dev/null | head -n 1; }

# 1 when the matchers' group has been delivered every entry up to ARGV[2] and
# holds none of them unacknowledged, else 0. KEYS[1] the stream, ARGV[1] the group.
readonly BACKLOG_SETTLED_LUA="
local function at_or_before(a, b)
  local am, as = string.match(a, '(%d+)-(%d+)')
  local bm, bs = string.match(b, '(%d+)-(%d+)')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  return am < bm or (am == bm and as <= bs)
end
for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local f = {}
  for i = 1, #g, 2 do f[g[i]] = g[i + 1] end
  if f['name'] == ARGV[1] then
    if not at_or_before(ARGV[2], f['last-delivered-id']) then return 0 end
    if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', ARGV[2], 1) == 0 then return 1 end
    return 0
  end
end
return 0"

# Returns once every entry of the matching stream up to UNTIL_ID (the last
# entry of a backlog) has been delivered to the matchers and settled. A
# retry comes back as a new entry after it, so trips still retrying do not
# hold up the end (with a hundred of them due at different times, "lag 0 and
# nothing pending" may not be seen at any check). Checks every 50 ms over one
# connection opened by bash itself (/dev/tcp): no process per check, which
# would take a tenth of the cores it measures, and no pipe from redis-cli,
# whose output to a pipe is block-buffered (it showed a settled stream up to
# 2.4 s late).
wait_match_backlog_settled() {
  local until_id=$1 LC_ALL=C
  [[ -n "$until_id" ]] || return 0
  local -a args=(EVAL "$BACKLOG_SETTLED_LUA" 1 trip:match matchers "$until_id")
  local crlf=$'\r\n' request reply arg redis idle fifo="$UITGO_RUN_DIR/idle.fifo"
  request="*${#args[@]}$crlf"
  for arg in "${args[@]}"; do request+="\$${#arg}$crlf$arg$crlf"; done
  # A FIFO held open for reading and writing never has data: read -t on it
  # is a sleep without a process.
  rm -f "$fifo" && mkfifo "$fifo"
  exec {idle}<>"$fifo" {redis}<>"/dev/tcp/127.0.0.1/$(stack_port REDIS)"
  while true; do
    printf '%s' "$request" >&"$redis"
    IFS= read -r reply <&"$redis" || die "redis closed the connection while waiting for the backlog"
    [[ "$reply" == $':1\r' ]] && break
    [[ "$reply" == :0* ]] || die "redis answered the backlog check with: $reply"
    read -r -t 0.05 -u "$idle" _ || true
  done
  exec {idle}>&- {redis}>&-
  rm -f "$fifo"
}

# Raw `redis-benchmark -n 20000 -c 32` GEOSEARCH 3 km around the centre of
# Ho Chi Minh City on the drivers' key; prints "<req/s> <p50> <p95> <p99>" (ms).
raw_geosearch() {
  local out
  out=$(redis-benchmark -p "$(stack_port REDIS)" -n 20000 -c 32 GEOSEARCH drivers:free FROMLONLAT 106.70 10.77 \
    BYRADIUS 3 km ASC COUNT 10)
  awk '/throughput summary/ {rps=$3} /latency summary/ {getline; getline; p50=$3; p95=$4; p99=$5}
       END {printf "%s %s %s %s\n", rps, p50, p95, p99}' <<<"$out"
}

# Raw single-row INSERT throughput of the stack's PostgreSQL: `pgbench -c 16
# -j 2 -T SECONDS` of one INSERT into a scratch table of trip_db; prints tps.
raw_pg_insert_tps() {
  local seconds=${1:-10} pgbench script="$UITGO_RUN_DIR/insert.sql"
  pgbench=$(ls /usr/lib/postgresql/15/bin/pgbench 2>/dev/null || command -v pgbench || true)
  [[ -x "$pgbench" ]] || die "pgbench not found (package postgresql-15)"
  stack_psql trip_db -q \
    -c "CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY, payload text, at timestamptz DEFAULT now())"
  echo "INSERT INTO bench_insert (payload) VALUES ('trip');" >"$script"
  PGPASSWORD=$PG_PASSWORD "$pgbench" -h 127.0.0.1 -p "$(stack_port PG)" -U "$PG_USER" -n -c 16 -j 2 -T "$seconds" \
    -f "$script" trip_db 2>/dev/null | awk '/^tps/ {printf "%.0f\n", $3}'
}

# wrk_measure SECONDS CONNECTIONS [WRK-OPTION...] URL: one `wrk -t2 --latency`
# run; prints "<req/s> <p50> <p99>" as wrk writes them, and warns about
# non-2xx answers.
wrk_measure() {
  local seconds=$1 connections=$2 out
  shift 2
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@")
  awk -v name="$SCRIPT_NAME" '/^Requests\/sec/ {rps=$2} $1 == "50%" {p50=$2} $1 == "99%" {p99=$2} /Non-2xx/ {bad=$NF}
       END {if (bad) {print name ": non-2xx answers: " bad > "/dev/stderr"}; print rps, p50, p99}' <<<"$out"
}
