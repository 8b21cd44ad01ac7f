#!/usr/bin/env bash
# The one way to run UIT-Go's servers locally: used by `make up` / `make down`
# and by the C++ integration-test harness (tests/support/test_stack.cpp).
#
# usage: scripts/stack.sh ACTION [COMPONENT...]
#
# actions
#   up [C...]      start C (default: all) plus what C needs (services need
#                  postgres + redis, the replica needs postgres); a component
#                  that already runs is left alone, so `up` twice is harmless;
#                  prints where everything listens
#   start C...     start exactly C (no dependencies)
#   down [C...]    stop C (default: all); `down replica` also drops its
#                  replication slot on the primary and deletes its data
#   stop C...      stop C, keeping all data (`stop replica` + `start replica` resumes)
#   status [C...]  component, pid, port, running / stopped
#   env            print the environment the services get (export lines,
#                  including the run dir's secrets)
#   seed           create the demo accounts (idempotent) and write their ids and
#                  access tokens to $UITGO_RUN_DIR/demo-tokens.json
#   purge          down all, then delete every file of the run dir
#   watch PID      (test harness) wait until process PID exits, then purge
#
# components: postgres replica redis user-service trip-service driver-service
#             nginx, and <service>-N for extra instances (see *_EXTRA_PORTS);
#             aliases: services (every service instance), all
#
# environment (defaults)
#   UITGO_RUN_DIR=<repo>/.run  data, pid files, rendered configs, logs/;
#                        the ports used by `up` are recorded in it (settings.env)
#                        and reused by later calls that do not set them
#   UITGO_PG_PORT=15432  UITGO_PG_REPLICA_PORT=15433  UITGO_REDIS_PORT=16379
#   UITGO_GATEWAY_PORT=8080  UITGO_USER_PORT=8081  UITGO_TRIP_PORT=8082
#   UITGO_DRIVER_PORT=8083   UITGO_BIN=<repo>/build/uitgo
#   UITGO_AUTH_RATE=10r/s  UITGO_AUTH_BURST=20   nginx limit for /auth/* per client IP
#   UITGO_USER_EXTRA_PORTS / UITGO_TRIP_EXTRA_PORTS / UITGO_DRIVER_EXTRA_PORTS
#                        space-separated ports of more instances of that service
#                        (components <service>-2, <service>-3, ...; e.g.
#                        UITGO_DRIVER_EXTRA_PORTS="8093 8094" runs three
#                        driver-service processes, each with its matcher
#                        workers); the gateway balances over all instances;
#                        internal calls between services go to the first one
#   UITGO_USER_UPSTREAMS / UITGO_TRIP_UPSTREAMS / UITGO_DRIVER_UPSTREAMS
#                        space-separated host:port list for the gateway's upstream
#                        (default: the local instances)
#   UITGO_NGINX_WORKERS=auto
#   UITGO_START_TIMEOUT=30  UITGO_STOP_TIMEOUT=20   seconds
# Every other variable of the caller's environment reaches the services
# unchanged (e.g. MATCHING_MODE, DRIVER_SEARCH).
#
# secrets: the first `up`/`start`/`env` on a run dir writes $RUN_DIR/secrets.env
# (mode 600): JWT_SECRET and INTERNAL_TOKEN, 64 random hex characters each
# (or the caller's JWT_SECRET / INTERNAL_TOKEN at that moment). Every service
# gets them from there, so they stay the same for the life of the run dir
# (tests read the file to mint tokens); `purge` deletes them.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
readonly SCRIPT_DIR REPO_DIR

RUN_DIR="$(realpath -m "${UITGO_RUN_DIR:-$REPO_DIR/.run}")"
readonly RUN_DIR

# The ports a run dir was brought up with are recorded in it, so a later
# `down` / `status` without the same variables still talks to the right
# servers. Variables set by the caller win over the record.
readonly SETTINGS_FILE="$RUN_DIR/settings.env"
readonly RECORDED_SETTINGS=(UITGO_PG_PORT UITGO_PG_REPLICA_PORT UITGO_REDIS_PORT UITGO_GATEWAY_PORT
  UITGO_USER_PORT UITGO_TRIP_PORT UITGO_DRIVER_PORT
  UITGO_USER_EXTRA_PORTS UITGO_TRIP_EXTRA_PORTS UITGO_DRIVER_EXTRA_PORTS)
load_settings() {
  local key value known
  [[ -r "$SETTINGS_FILE" ]] || return 0
  while IFS='=' read -r key value; do
    for known in "${RECORDED_SETTINGS[@]}"; do
      if [[ "$key" == "$known" && -z "${!key:-}" && "$value" =~ ^[0-9]+( [0-9]+)*$ ]]; then
        export "$key=$value"
      fi
    done
  done <"$SETTINGS_FILE"
}
load_settings
readonly LOG_DIR="$RUN_DIR/logs"
readonly SECRETS_FILE="$RUN_DIR/secrets.env"
readonly SECRET_NAMES=(JWT_SECRET INTERNAL_TOKEN)
readonly PID_DIR="$RUN_DIR/pids"
readonly PG_PORT="${UITGO_PG_PORT:-15432}"
readonly PG_REPLICA_PORT="${UITGO_PG_REPLICA_PORT:-15433}"
readonly REDIS_PORT="${UITGO_REDIS_PORT:-16379}"
readonly GATEWAY_PORT="${UITGO_GATEWAY_PORT:-8080}"
readonly USER_PORT="${UITGO_USER_PORT:-8081}"
readonly TRIP_PORT="${UITGO_TRIP_PORT:-8082}"
readonly DRIVER_PORT="${UITGO_DRIVER_PORT:-8083}"
readonly USER_EXTRA_PORTS="${UITGO_USER_EXTRA_PORTS:-}"
readonly TRIP_EXTRA_PORTS="${UITGO_TRIP_EXTRA_PORTS:-}"
readonly DRIVER_EXTRA_PORTS="${UITGO_DRIVER_EXTRA_PORTS:-}"
readonly BIN="${UITGO_BIN:-$REPO_DIR/build/uitgo}"
readonly AUTH_RATE="${UITGO_AUTH_RATE:-10r/s}"
readonly AUTH_BURST="${UITGO_AUTH_BURST:-20}"
readonly NGINX_WORKERS="${UITGO_NGINX_WORKERS:-auto}"
readonly START_TIMEOUT="${UITGO_START_TIMEOUT:-30}"
readonly STOP_TIMEOUT="${UITGO_STOP_TIMEOUT:-20}"

readonly PG_USER=uitgo
readonly PG_PASSWORD=uitgo
readonly DATABASES=(user_db trip_db driver_db)
readonly REPLICA_SLOT=uitgo_replica
readonly PG_SERVICE_ACCOUNT=postgres   # OS user that runs PostgreSQL when we are root
readonly NGINX_TEMPLATE="$REPO_DIR/deploy/nginx/gateway.conf.template"

# Start order; stop order is the reverse. Extra instances follow their first
# one (see build_component_lists).
readonly BASE_SERVICES=(user-service driver-service trip-service)
ALL_COMPONENTS=()
SERVICES=()

# ---------------------------------------------------------------- helpers

info() { printf 'stack: %s\n' "$*" >&2; }
warn() { printf 'stack: warning: %s\n' "$*" >&2; }
die() {
  printf 'stack: error: %s\n' "$*" >&2
  exit 1
}

is_root() { [[ $(id -u) -eq 0 ]]; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
  exit 2
}

# Prints the last lines of a log so a failure explains itself.
show_log_tail() {
  local log=$1
  if [[ -s "$log" ]]; then
    printf -- '---- last lines of %s ----\n' "$log" >&2
    tail -n 30 "$log" >&2 || true
    printf -- '----\n' >&2
  else
    printf 'stack: (log %s is empty)\n' "$log" >&2
  fi
}

# A line in the log before each start, so a failure's tail shows this attempt.
log_marker() {
  local component=$1
  printf '==== %s stack.sh: starting %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$component" >>"$(log_file "$component")"
}

fail_start() {
  local component=$1 log=$2
  shift 2
  printf 'stack: error: %s: %s (log: %s)\n' "$component" "$*" "$log" >&2
  show_log_tail "$log"
  exit 1
}

# True when the process exists and is not a zombie. (A zombie is already dead;
# `kill -0` would still succeed on it if nobody reaps it, and PID 1 of a
# container does not always reap.)
alive() {
  local pid=$1 stat
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ "${stat:0:1}" != Z ]]
}

# True when PID is alive and its command line contains PATTERN: guards against
# acting on a recycled PID from a stale pid file.
alive_as() {
  local pid=$1 pattern=$2 cmdline
  alive "$pid" || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmdline" == *"$pattern"* ]]
}

wait_gone() {
  local pid=$1 timeout=$2 deadline
  deadline=$((SECONDS + timeout))
  while alive "$pid"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# terminate PID SIGNAL...: sends each signal in turn, giving the process
# STOP_TIMEOUT seconds after each; SIGKILL (also to its direct children, e.g.
# nginx workers or postgres backends, which would otherwise linger) comes last.
terminate() {
  local pid=$1 sig children
  shift
  children=$(pgrep -P "$pid" 2>/dev/null | tr '\n' ' ' || true)
  for sig in "$@"; do
    kill -s "$sig" "$pid" 2>/dev/null || return 0
    if wait_gone "$pid" "$STOP_TIMEOUT"; then
      return 0
    fi
    warn "pid $pid still running ${STOP_TIMEOUT}s after SIG$sig"
  done
  # shellcheck disable=SC2086 # children is a list of pids
  kill -s KILL "$pid" $children 2>/dev/null || true
  wait_gone "$pid" 5 || die "pid $pid survived SIGKILL"
}

port_in_use() {
  local port=$1
  [[ -n "$(ss -Htln "sport = :$port" 2>/dev/null)" ]]
}

check_port_free() {
  local component=$1 port=$2
  if port_in_use "$port"; then
    die "$component: port $port on this machine is already in use by another process" \
      "(pick another one with the UITGO_*_PORT variables; see 'ss -ltnp')"
  fi
}

# True when curl gets 200 from URL.
http_ok() {
  local code
  code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null) || return 1
  [[ "$code" == 200 ]]
}

port_of() {
  case $1 in
    postgres) echo "$PG_PORT" ;;
    replica) echo "$PG_REPLICA_PORT" ;;
    redis) echo "$REDIS_PORT" ;;
    user-service) echo "$USER_PORT" ;;
    trip-service) echo "$TRIP_PORT" ;;
    driver-service) echo "$DRIVER_PORT" ;;
    nginx) echo "$GATEWAY_PORT" ;;
    *-service-[0-9]*)
      local -a extra
      read -r -a extra <<<"$(extra_ports_of "$(base_service "$1")")"
      echo "${extra[${1##*-} - 2]}"
      ;;
  esac
}

# trip-service-2 -> trip-service (the subcommand an instance runs).
base_service() { echo "${1%-[0-9]*}"; }

extra_ports_of() {
  case $1 in
    user-service) echo "$USER_EXTRA_PORTS" ;;
    trip-service) echo "$TRIP_EXTRA_PORTS" ;;
    driver-service) echo "$DRIVER_EXTRA_PORTS" ;;
  esac
}

# ALL_COMPONENTS and SERVICES with every configured service instance.
build_component_lists() {
  local service port n
  local -a extra
  ALL_COMPONENTS=(postgres replica redis)
  SERVICES=()
  for service in "${BASE_SERVICES[@]}"; do
    SERVICES+=("$service")
    read -r -a extra <<<"$(extra_ports_of "$service")"
    n=2
    for port in "${extra[@]}"; do
      [[ "$port" =~ ^[0-9]+$ ]] || die "$service: bad extra port '$port' (want numbers separated by spaces)"
      SERVICES+=("$service-$n")
      n=$((n + 1))
    done
  done
  ALL_COMPONENTS+=("${SERVICES[@]}" nginx)
}
build_component_lists

# host:port of every local instance of a service (the gateway's default upstream).
local_upstreams() {
  local service=$1 c list=""
  for c in "${SERVICES[@]}"; do
    if [[ "$(base_service "$c")" == "$service" ]]; then list+="127.0.0.1:$(port_of "$c") "; fi
  done
  echo "${list% }"
}

pid_file() { echo "$PID_DIR/$1.pid"; }
log_file() { echo "$LOG_DIR/$1.log"; }

read_pid_file() {
  local file=$1 pid
  [[ -r "$file" ]] || return 1
  read -r pid <"$file" || true
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  echo "$pid"
}

ensure_run_dir() {
  mkdir -p "$RUN_DIR" "$LOG_DIR" "$PID_DIR"
}

save_settings() {
  local key
  for key in "${RECORDED_SETTINGS[@]}"; do
    printf '%s=%s\n' "$key" "$(port_of_setting "$key")"
  done >"$SETTINGS_FILE.tmp"
  mv "$SETTINGS_FILE.tmp" "$SETTINGS_FILE"
}

port_of_setting() {
  case $1 in
    UITGO_PG_PORT) echo "$PG_PORT" ;;
    UITGO_PG_REPLICA_PORT) echo "$PG_REPLICA_PORT" ;;
    UITGO_REDIS_PORT) echo "$REDIS_PORT" ;;
    UITGO_GATEWAY_PORT) echo "$GATEWAY_PORT" ;;
    UITGO_USER_PORT) echo "$USER_PORT" ;;
    UITGO_TRIP_PORT) echo "$TRIP_PORT" ;;
    UITGO_DRIVER_PORT) echo "$DRIVER_PORT" ;;
    UITGO_USER_EXTRA_PORTS) echo "$USER_EXTRA_PORTS" ;;
    UITGO_TRIP_EXTRA_PORTS) echo "$TRIP_EXTRA_PORTS" ;;
    UITGO_DRIVER_EXTRA_PORTS) echo "$DRIVER_EXTRA_PORTS" ;;
  esac
}

# 32 bytes from the kernel's CSPRNG as 64 lower-case hex characters.
random_hex() {
  local hex
  hex=$(od -An -v -N32 -tx1 /dev/urandom | tr -d ' \n')
  [[ "$hex" =~ ^[0-9a-f]{64}$ ]] || die "could not read 32 random bytes from /dev/urandom"
  echo "$hex"
}

# Creates $SECRETS_FILE once per run dir (call with the lock held). A value
# the caller exports at that moment is used as is; otherwise a random one.
ensure_secrets() {
  local name value
  if [[ -s "$SECRETS_FILE" ]]; then
    for name in "${SECRET_NAMES[@]}"; do
      if [[ -n "${!name:-}" && "${!name}" != "$(secret_value "$name")" ]]; then
        warn "$name from the environment ignored: this run dir's services use the one in $SECRETS_FILE"
      fi
    done
    return 0
  fi
  local -a lines=()
  for name in "${SECRET_NAMES[@]}"; do
    value=${!name:-}
    if [[ -z "$value" ]]; then
      value=$(random_hex)
    elif [[ ${#value} -lt 32 || "$value" =~ [[:space:]] ]]; then
      die "$name from the environment must be at least 32 characters without whitespace"
    fi
    lines+=("$name=$value")
  done
  (umask 077 && printf '%s\n' "${lines[@]}" >"$SECRETS_FILE.tmp")
  chmod 600 "$SECRETS_FILE.tmp"
  mv "$SECRETS_FILE.tmp" "$SECRETS_FILE"
}

# The value of one secret of this run dir (empty when there is none yet).
secret_value() {
  local wanted=$1 key value
  [[ -r "$SECRETS_FILE" ]] || return 0
  while IFS='=' read -r key value; do
    if [[ "$key" == "$wanted" ]]; then
      echo "$value"
      return 0
    fi
  done <"$SECRETS_FILE"
}

# Serializes stack.sh invocations on one run dir (e.g. `make up` twice at once).
# Every server is started with `9>&-` so none of them keeps the lock open.
take_lock() {
  exec 9>>"$RUN_DIR/.lock"
  flock -w 300 9 || die "another stack.sh holds $RUN_DIR/.lock for 5 minutes"
}

# ---------------------------------------------------------------- postgres

pg_bindir() {
  local dir
  dir=$(pg_config --bindir 2>/dev/null || true)
  if [[ -z "$dir" || ! -x "$dir/initdb" ]]; then
    dir=/usr/lib/postgresql/15/bin
  fi
  [[ -x "$dir/initdb" ]] || die "PostgreSQL 15 server binaries not found (run make deps)"
  echo "$dir"
}

# Runs a PostgreSQL server program as the account that owns the data: the
# postgres OS user when we are root (initdb and postgres refuse to run as
# root), ourselves otherwise.
# From / because initdb and postgres fail when they cannot identify the
# current directory (e.g. called from root's private home); all paths are absolute.
as_pg() {
  if is_root; then
    (cd / && runuser -u "$PG_SERVICE_ACCOUNT" -- "$@")
  else
    "$@"
  fi
}

# Where the clusters live (does not create anything). Normally $RUN_DIR/pg;
# when root and the postgres user cannot reach the run dir (e.g. a mkdtemp
# folder, or a checkout under a private home), a folder under /tmp whose path
# is recorded in $RUN_DIR/pg.location.
pg_root() {
  local recorded
  if [[ -r "$RUN_DIR/pg.location" ]]; then
    read -r recorded <"$RUN_DIR/pg.location" || true
    if [[ -n "$recorded" ]]; then
      echo "$recorded"
      return
    fi
  fi
  echo "$RUN_DIR/pg"
}

# Like pg_root, but creates the folder, owned by the account running postgres.
# We never loosen permissions of parent folders we do not own.
ensure_pg_root() {
  local root
  root=$(pg_root)
  if [[ -d "$root" ]]; then
    echo "$root"
    return
  fi
  if ! is_root; then
    mkdir -m 700 "$root"
    echo "$root"
    return
  fi
  id "$PG_SERVICE_ACCOUNT" >/dev/null 2>&1 ||
    die "user '$PG_SERVICE_ACCOUNT' does not exist (is postgresql-15 installed? run make deps)"
  root="$RUN_DIR/pg"
  mkdir -m 700 "$root"
  chown "$PG_SERVICE_ACCOUNT:" "$root"
  if ! runuser -u "$PG_SERVICE_ACCOUNT" -- test -w "$root" 2>/dev/null; then
    rmdir "$root"
    root=$(mktemp -d /tmp/uitgo-pg.XXXXXX)
    chown "$PG_SERVICE_ACCOUNT:" "$root"
    echo "$root" >"$RUN_DIR/pg.location"
    info "postgres cannot reach $RUN_DIR; its data lives in $root"
  fi
  echo "$root"
}

pg_data_dir() {
  case $1 in
    postgres) echo "$(pg_root)/primary" ;;
    replica) echo "$(pg_root)/replica" ;;
  esac
}

# PID of a running postmaster, from its own postmaster.pid (the truth), which
# is mirrored to $PID_DIR for the harness and `status`.
pg_pid() {
  local component=$1 data pid
  data=$(pg_data_dir "$component")
  if pid=$(read_pid_file "$data/postmaster.pid") && alive_as "$pid" postgres; then
    [[ -d "$PID_DIR" ]] && echo "$pid" >"$(pid_file "$component")"
    echo "$pid"
    return 0
  fi
  rm -f "$(pid_file "$component")"
  return 1
}

# psql as superuser over TCP (clients need no special OS user).
pg_psql() {
  local port=$1
  shift
  PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=5 "$(pg_bindir)/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$port" -U "$PG_USER" "$@"
}

wait_pg_ready() {
  local component=$1 port=$2 log=$3 deadline
  deadline=$((SECONDS + START_TIMEOUT))
  until "$(pg_bindir)/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1; do
    pg_pid "$component" >/dev/null || fail_start "$component" "$log" "server exited during startup"
    ((SECONDS < deadline)) ||
      fail_start "$component" "$log" "not accepting connections on 127.0.0.1:$port after ${START_TIMEOUT}s"
    sleep 0.1
  done
}

# Appends text to a file inside the cluster, keeping it owned by its account.
pg_append() {
  local file=$1 text=$2
  printf '%s\n' "$text" | as_pg tee -a "$file" >/dev/null
}

init_primary() {
  local data=$1 log=$2 root pwfile
  root=$(dirname "$data")
  pwfile="$root/.pwfile"
  info "postgres: creating cluster in $data"
  (umask 077 && printf '%s\n' "$PG_PASSWORD" >"$pwfile")
  if is_root; then chown "$PG_SERVICE_ACCOUNT:" "$pwfile"; fi
  # --no-sync: a local cluster, recreated in a second if a crash ever hit the
  # window before the OS flushes; saves most of initdb's time.
  if ! as_pg "$(pg_bindir)/initdb" -D "$data" -U "$PG_USER" --pwfile="$pwfile" \
    -A scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-instructions --no-sync >>"$log" 2>&1; then
    rm -f "$pwfile"
    as_pg rm -rf "$data"
    fail_start postgres "$log" "initdb failed"
  fi
  rm -f "$pwfile"
  # TCP on loopback only; no Unix socket (no /var/run/postgresql needed, and
  # nothing collides with Debian's default cluster).
  pg_append "$data/postgresql.conf" "
# ---- UIT-Go local settings (scripts/stack.sh); the port comes from the command line
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 200
password_encryption = 'scram-sha-256'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
hot_standby_feedback = on
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '"
  # Replace the generated pg_hba.conf: password (SCRAM) auth on 127.0.0.1
  # only, for normal and replication connections.
  printf '%s\n' \
    '# UIT-Go (scripts/stack.sh): loopback TCP only, SCRAM passwords' \
    'host all         all 127.0.0.1/32 scram-sha-256' \
    'host replication all 127.0.0.1/32 scram-sha-256' |
    as_pg tee "$data/pg_hba.conf" >/dev/null
}

# pg_ctl start: the postmaster's output goes to pg_ctl's stdout, i.e. our log
# (opened by us, so the postgres user needs no access to $LOG_DIR); pg_ctl
# puts the postmaster in its own session.
pg_ctl_start() {
  local component=$1 data=$2 port=$3 log=$4
  check_port_free "$component" "$port"
  if ! as_pg "$(pg_bindir)/pg_ctl" start -D "$data" -o "-p $port" -w -t "$START_TIMEOUT" -s \
    </dev/null >>"$log" 2>&1 9>&-; then
    fail_start "$component" "$log" "pg_ctl start failed"
  fi
  wait_pg_ready "$component" "$port" "$log"
  pg_pid "$component" >/dev/null || fail_start "$component" "$log" "no postmaster.pid after start"
}

pg_ctl_stop() {
  local component=$1 pid
  pid=$(pg_pid "$component") || return 0
  # SIGTERM is PostgreSQL's "smart" shutdown, which waits for every client to
  # disconnect: use SIGINT (fast), then SIGQUIT (immediate), then SIGKILL.
  terminate "$pid" INT QUIT
  rm -f "$(pid_file "$component")"
}

# Creates the databases that do not exist yet; drops a replica slot left
# behind by a replica whose data is gone (it would make the primary keep WAL
# forever).
pg_provision() {
  local dbs
  dbs=$(printf "'%s'," "${DATABASES[@]}")
  dbs=${dbs%,}
  pg_psql "$PG_PORT" -d postgres <<SQL
SELECT format('CREATE DATABASE %I OWNER %I', d, '$PG_USER')
  FROM unnest(ARRAY[$dbs]) AS d
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d)
\\gexec
SQL
  if [[ ! -d "$(pg_data_dir replica)" ]]; then
    drop_replica_slot
  fi
}

drop_replica_slot() {
  local i
  # The walsender of a just-stopped replica may hold the slot for a moment.
  for i in {1..50}; do
    if pg_psql "$PG_PORT" -d postgres -tA >/dev/null 2>&1 <<SQL; then
SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
 WHERE slot_name = '$REPLICA_SLOT' AND NOT active;
DO \$\$BEGIN
  IF EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '$REPLICA_SLOT') THEN
    RAISE EXCEPTION 'slot still active';
  END IF;
END\$\$;
SQL
      return 0
    fi
    ((i % 10 == 0)) && info "replica: waiting for slot $REPLICA_SLOT to become inactive"
    sleep 0.1
  done
  warn "could not drop replication slot $REPLICA_SLOT on the primary"
}

start_postgres() {
  local log data
  log=$(log_file postgres)
  if pg_pid postgres >/dev/null; then
    info "postgres: already running (pid $(pg_pid postgres), port $PG_PORT)"
    return 0
  fi
  ensure_pg_root >/dev/null
  log_marker postgres
  data=$(pg_data_dir postgres)
  [[ -f "$data/PG_VERSION" ]] || init_primary "$data" "$log"
  info "postgres: starting on 127.0.0.1:$PG_PORT"
  pg_ctl_start postgres "$data" "$PG_PORT" "$log"
  pg_provision || fail_start postgres "$log" "could not create the databases"
}

stop_postgres() { pg_ctl_stop postgres; }
down_postgres() { stop_postgres; }

start_replica() {
  local log data
  log=$(log_file replica)
  if pg_pid replica >/dev/null; then
    info "replica: already running (pid $(pg_pid replica), port $PG_REPLICA_PORT)"
    return 0
  fi
  log_marker replica
  data=$(pg_data_dir replica)
  if [[ ! -f "$data/PG_VERSION" ]]; then
    pg_pid postgres >/dev/null || die "replica: the primary (postgres) is not running"
    as_pg rm -rf "$data"
    drop_replica_slot
    info "replica: cloning the primary with pg_basebackup (slot $REPLICA_SLOT)"
    # -R writes primary_conninfo (with the password) + standby.signal,
    # -C -S creates the physical slot so the primary keeps WAL for us.
    if ! as_pg env PGPASSWORD="$PG_PASSWORD" "$(pg_bindir)/pg_basebackup" \
      -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -D "$data" \
      -R -X stream -C -S "$REPLICA_SLOT" -c fast --no-sync </dev/null >>"$log" 2>&1 9>&-; then
      as_pg rm -rf "$data"
      fail_start replica "$log" "pg_basebackup failed"
    fi
  fi
  info "replica: starting hot standby on 127.0.0.1:$PG_REPLICA_PORT"
  pg_ctl_start replica "$data" "$PG_REPLICA_PORT" "$log"
}

stop_replica() { pg_ctl_stop replica; }

# Gone for good: drop the slot (else the primary retains WAL without bound)
# and the data (useless without the slot; the next `up` clones afresh).
down_replica() {
  local data
  stop_replica
  data=$(pg_data_dir replica)
  if pg_pid postgres >/dev/null; then
    drop_replica_slot
  fi
  # Without a running primary the slot is dropped at the primary's next start
  # (pg_provision), because this folder no longer exists.
  if [[ -d "$data" ]]; then as_pg rm -rf "$data"; fi
}

# ---------------------------------------------------------------- redis

generic_pid() {
  local component=$1 pattern=$2 pid
  if pid=$(read_pid_file "$(pid_file "$component")") && alive_as "$pid" "$pattern"; then
    echo "$pid"
    return 0
  fi
  return 1
}

redis_ping() {
  [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]
}

start_redis() {
  local log deadline pid
  log=$(log_file redis)
  if pid=$(generic_pid redis redis-server); then
    info "redis: already running (pid $pid, port $REDIS_PORT)"
    return 0
  fi
  command -v redis-server >/dev/null || die "redis-server not installed (run make deps)"
  check_port_free redis "$REDIS_PORT"
  mkdir -p "$RUN_DIR/redis"
  rm -f "$(pid_file redis)"
  info "redis: starting on 127.0.0.1:$REDIS_PORT"
  log_marker redis
  # A cache / queue for local runs: no RDB snapshots, no AOF. Our redirection
  # only catches errors before redis opens its own --logfile (same file).
  # shellcheck disable=SC2094
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
    --save '' --appendonly no --daemonize yes \
    --pidfile "$(pid_file redis)" --logfile "$log" --dir "$RUN_DIR/redis" \
    </dev/null >>"$log" 2>&1 9>&- || fail_start redis "$log" "redis-server failed to start"
  deadline=$((SECONDS + START_TIMEOUT))
  until generic_pid redis redis-server >/dev/null && redis_ping; do
    ((SECONDS < deadline)) || fail_start redis "$log" "no PONG on 127.0.0.1:$REDIS_PORT after ${START_TIMEOUT}s"
    sleep 0.1
  done
}

stop_redis() {
  local pid
  if pid=$(generic_pid redis redis-server); then
    terminate "$pid" TERM
  fi
  rm -f "$(pid_file redis)"
}

# ---------------------------------------------------------------- services

dsn() {
  local port=$1 db=$2
  echo "host=127.0.0.1 port=$port user=$PG_USER password=$PG_PASSWORD dbname=$db"
}

# The variables a service gets on top of the caller's environment (ours win:
# they name the servers this script runs).
service_env() {
  local service=$1
  echo "HTTP_HOST=127.0.0.1"
  echo "HTTP_PORT=$(port_of "$service")"
  echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
  echo "MIGRATIONS_DIR=$REPO_DIR/migrations"
  echo "USER_SERVICE_URL=http://127.0.0.1:$USER_PORT"
  echo "TRIP_SERVICE_URL=http://127.0.0.1:$TRIP_PORT"
  echo "DRIVER_SERVICE_URL=http://127.0.0.1:$DRIVER_PORT"
  local name
  for name in "${SECRET_NAMES[@]}"; do
    echo "$name=$(secret_value "$name")"
  done
  case $(base_service "$service") in
    user-service) echo "USER_DB_DSN=$(dsn "$PG_PORT" user_db)" ;;
    driver-service) echo "DRIVER_DB_DSN=$(dsn "$PG_PORT" driver_db)" ;;
    trip-service)
      echo "TRIP_DB_DSN=$(dsn "$PG_PORT" trip_db)"
      # Only when a replica actually runs: without the variable the service
      # reads from the primary.
      if pg_pid replica >/dev/null 2>&1; then
        echo "TRIP_DB_REPLICA_DSN=$(dsn "$PG_REPLICA_PORT" trip_db)"
      fi
      ;;
  esac
}

start_service() {
  local service=$1 port log pid deadline
  local -a vars
  port=$(port_of "$service")
  log=$(log_file "$service")
  if pid=$(generic_pid "$service" "$(base_service "$service")"); then
    info "$service: already running (pid $pid, port $port)"
    return 0
  fi
  [[ -x "$BIN" ]] || die "$service: $BIN not found: run make build"
  check_port_free "$service" "$port"
  mapfile -t vars < <(service_env "$service")
  rm -f "$(pid_file "$service")"
  info "$service: starting on 127.0.0.1:$port"
  log_marker "$service"
  # setsid: own session, so Ctrl-C in the terminal (or the test's process
  # group) does not reach it. The inner bash records its own PID (which the
  # service keeps through exec), whether or not setsid had to fork.
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner bash
  nohup setsid bash -c 'echo $$ >"$0"; exec "$@"' "$(pid_file "$service")" \
    env "${vars[@]}" "$BIN" "$(base_service "$service")" </dev/null >>"$log" 2>&1 9>&- &
  deadline=$((SECONDS + START_TIMEOUT))
  pid=""
  until http_ok "http://127.0.0.1:$port/health"; do
    [[ -n "$pid" ]] || pid=$(read_pid_file "$(pid_file "$service")") || pid=""
    if [[ -n "$pid" ]] && ! alive "$pid"; then
      rm -f "$(pid_file "$service")"
      fail_start "$service" "$log" "exited during startup"
    fi
    if ((SECONDS >= deadline)); then
      # Do not leave a half-started service behind.
      if [[ -n "$pid" ]]; then terminate "$pid" TERM; fi
      rm -f "$(pid_file "$service")"
      fail_start "$service" "$log" "GET /health != 200 after ${START_TIMEOUT}s"
    fi
    sleep 0.1
  done
  generic_pid "$service" "$(base_service "$service")" >/dev/null ||
    fail_start "$service" "$log" "answers on port $port but its pid file is wrong"
}

stop_service() {
  local service=$1 pid
  if pid=$(generic_pid "$service" "$(base_service "$service")"); then
    terminate "$pid" TERM
  fi
  rm -f "$(pid_file "$service")"
}

# ---------------------------------------------------------------- nginx

# Escapes a value for the replacement side of a sed s|||.
sed_escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

upstream_servers() {
  local list=$1 addr out=""
  for addr in $list; do
    [[ "$addr" =~ ^[A-Za-z0-9.:_-]+:[0-9]+$ ]] || die "nginx: bad upstream address '$addr' (want host:port)"
    out+="server $addr; "
  done
  echo "$out"
}

render_nginx_conf() {
  local conf=$1 user_directive=""
  [[ -r "$NGINX_TEMPLATE" ]] || die "nginx: template $NGINX_TEMPLATE missing"
  [[ "$AUTH_RATE" =~ ^[0-9]+r/[sm]$ ]] || die "UITGO_AUTH_RATE must look like 10r/s or 600r/m (got '$AUTH_RATE')"
  [[ "$AUTH_BURST" =~ ^[0-9]+$ ]] || die "UITGO_AUTH_BURST must be a number (got '$AUTH_BURST')"
  # As root the master drops workers to an unprivileged account. Workers only
  # use sockets and file descriptors the master opened (bodies stay in memory,
  # see the template), so they need no access to the run dir.
  if is_root; then
    user_directive="user nobody $(id -gn nobody 2>/dev/null || echo nogroup);"
  fi
  sed -e "s|@USER_DIRECTIVE@|$(sed_escape "$user_directive")|g" \
    -e "s|@WORKER_PROCESSES@|$(sed_escape "$NGINX_WORKERS")|g" \
    -e "s|@RUN_DIR@|$(sed_escape "$RUN_DIR")|g" \
    -e "s|@LOG_DIR@|$(sed_escape "$LOG_DIR")|g" \
    -e "s|@GATEWAY_PORT@|$(sed_escape "$GATEWAY_PORT")|g" \
    -e "s|@AUTH_RATE@|$(sed_escape "$AUTH_RATE")|g" \
    -e "s|@AUTH_BURST@|$(sed_escape "$AUTH_BURST")|g" \
    -e "s|@USER_SERVERS@|$(sed_escape "$(upstream_servers "${UITGO_USER_UPSTREAMS:-$(local_upstreams user-service)}")")|g" \
    -e "s|@TRIP_SERVERS@|$(sed_escape "$(upstream_servers "${UITGO_TRIP_UPSTREAMS:-$(local_upstreams trip-service)}")")|g" \
    -e "s|@DRIVER_SERVERS@|$(sed_escape "$(upstream_servers "${UITGO_DRIVER_UPSTREAMS:-$(local_upstreams driver-service)}")")|g" \
    "$NGINX_TEMPLATE" >"$conf.tmp"
  if grep -q '@[A-Z_]*@' "$conf.tmp"; then
    die "nginx: unrendered placeholder in $conf.tmp: $(grep -o '@[A-Z_]*@' "$conf.tmp" | head -1)"
  fi
  mv "$conf.tmp" "$conf"
}

start_nginx() {
  local log prefix conf deadline pid
  log=$(log_file nginx)
  if pid=$(generic_pid nginx nginx); then
    info "nginx: already running (pid $pid, port $GATEWAY_PORT)"
    return 0
  fi
  command -v nginx >/dev/null || die "nginx not installed (run make deps)"
  check_port_free nginx "$GATEWAY_PORT"
  prefix="$RUN_DIR/nginx"
  conf="$prefix/nginx.conf"
  mkdir -p "$prefix/tmp"
  render_nginx_conf "$conf"
  rm -f "$(pid_file nginx)"
  # -e: the error log before the config is read (the compiled-in default is
  # /var/log/nginx or stderr); -p: relative paths resolve inside the run dir.
  local -a cmd=(nginx -p "$prefix/" -c "$conf" -e "$LOG_DIR/nginx-error.log")
  if ! "${cmd[@]}" -t -q </dev/null >>"$log" 2>&1; then
    fail_start nginx "$log" "configuration test failed for $conf"
  fi
  info "nginx: starting gateway on 127.0.0.1:$GATEWAY_PORT"
  log_marker nginx
  "${cmd[@]}" </dev/null >>"$log" 2>&1 9>&- || fail_start nginx "$log" "nginx failed to start (see also $LOG_DIR/nginx-error.log)"
  deadline=$((SECONDS + START_TIMEOUT))
  until generic_pid nginx nginx >/dev/null && http_ok "http://127.0.0.1:$GATEWAY_PORT/health"; do
    ((SECONDS < deadline)) || fail_start nginx "$LOG_DIR/nginx-error.log" "gateway not answering after ${START_TIMEOUT}s"
    sleep 0.1
  done
}

stop_nginx() {
  local pid
  if pid=$(generic_pid nginx nginx); then
    # SIGTERM: fast shutdown (SIGQUIT would wait for open WebSockets).
    terminate "$pid" TERM
  fi
  rm -f "$(pid_file nginx)"
}

# ---------------------------------------------------------------- dispatch

# Expands aliases and validates names into the global SELECTED, in start
# order, without duplicates. (A global rather than output: `die` inside a
# command substitution would only leave the subshell.)
SELECTED=()
select_components() {
  local -A wanted=() known=()
  local name c
  for c in "${ALL_COMPONENTS[@]}"; do known[$c]=1; done
  for name in "$@"; do
    case $name in
      all) for c in "${ALL_COMPONENTS[@]}"; do wanted[$c]=1; done ;;
      services) for c in "${SERVICES[@]}"; do wanted[$c]=1; done ;;
      *)
        [[ -n "${known[$name]:-}" ]] || die "unknown component '$name' (${ALL_COMPONENTS[*]} services all)"
        wanted[$name]=1
        ;;
    esac
  done
  SELECTED=()
  for c in "${ALL_COMPONENTS[@]}"; do
    if [[ -n "${wanted[$c]:-}" ]]; then SELECTED+=("$c"); fi
  done
}

# Like select_components, plus what each component needs to run (for `up`).
select_with_dependencies() {
  local c
  local -a out=()
  select_components "$@"
  for c in "${SELECTED[@]}"; do
    case $c in
      replica) out+=(postgres) ;;
      *-service*) out+=(postgres redis) ;;
    esac
    out+=("$c")
  done
  select_components "${out[@]}"
}

component_pid() {
  case $1 in
    postgres | replica) pg_pid "$1" 2>/dev/null ;;
    redis) generic_pid redis redis-server ;;
    nginx) generic_pid nginx nginx ;;
    *) generic_pid "$1" "$(base_service "$1")" ;;
  esac
}

start_component() {
  case $1 in
    postgres) start_postgres ;;
    replica) start_replica ;;
    redis) start_redis ;;
    nginx) start_nginx ;;
    *) start_service "$1" ;;
  esac
}

stop_component() {
  case $1 in
    postgres) stop_postgres ;;
    replica) stop_replica ;;
    redis) stop_redis ;;
    nginx) stop_nginx ;;
    *) stop_service "$1" ;;
  esac
}

down_component() {
  case $1 in
    replica) down_replica ;;
    *) stop_component "$1" ;;
  esac
}

print_endpoints() {
  local c
  echo
  echo "UIT-Go stack (run dir $RUN_DIR):"
  for c in "${ALL_COMPONENTS[@]}"; do
    component_pid "$c" >/dev/null || continue
    case $c in
      nginx) printf '  %-17s http://127.0.0.1:%s  (the API; /user-service/health etc.)\n' gateway "$GATEWAY_PORT" ;;
      postgres) printf '  %-17s %s  (also trip_db, driver_db)\n' "$c" "$(dsn "$PG_PORT" user_db)" ;;
      replica) printf '  %-17s %s  (hot standby)\n' "$c" "$(dsn "$PG_REPLICA_PORT" trip_db)" ;;
      redis) printf '  %-17s redis://127.0.0.1:%s/0\n' "$c" "$REDIS_PORT" ;;
      *) printf '  %-17s http://127.0.0.1:%s\n' "$c" "$(port_of "$c")" ;;
    esac
  done
  printf '  %-17s %s/<component>.log\n' logs "$LOG_DIR"
}

cmd_up() {
  local action=$1 c
  shift
  local -a components
  if [[ $action == up ]]; then
    [[ $# -gt 0 ]] || set -- all
    select_with_dependencies "$@"
  else
    [[ $# -gt 0 ]] || die "start: name the components (or use up)"
    select_components "$@"
  fi
  components=("${SELECTED[@]}")
  # Fail before starting anything when a service cannot start anyway.
  for c in "${components[@]}"; do
    case $c in
      *-service) [[ -x "$BIN" ]] || die "$c: $BIN not found: run make build" ;;
    esac
  done
  ensure_run_dir
  take_lock
  save_settings
  ensure_secrets
  for c in "${components[@]}"; do
    start_component "$c"
  done
  if [[ $action == up ]]; then print_endpoints; fi
}

cmd_down() {
  local action=$1 i
  shift
  local -a components
  if [[ $action == down ]]; then
    [[ $# -gt 0 ]] || set -- all
  else
    [[ $# -gt 0 ]] || die "stop: name the components (or use down)"
  fi
  select_components "$@"
  components=("${SELECTED[@]}")
  if [[ ! -d "$RUN_DIR" ]]; then
    info "nothing runs from $RUN_DIR (no such folder)"
    return 0
  fi
  take_lock
  for ((i = ${#components[@]} - 1; i >= 0; i--)); do
    if [[ $action == down ]]; then
      down_component "${components[i]}"
    else
      stop_component "${components[i]}"
    fi
  done
}

cmd_status() {
  local c pid state
  local -a components
  [[ $# -gt 0 ]] || set -- all
  select_components "$@"
  components=("${SELECTED[@]}")
  printf '%-17s %-8s %-6s %s\n' COMPONENT PID PORT STATE
  for c in "${components[@]}"; do
    if [[ -d "$RUN_DIR" ]] && pid=$(component_pid "$c"); then
      state=running
    else
      pid=- state=stopped
    fi
    printf '%-17s %-8s %-6s %s\n' "$c" "$pid" "$(port_of "$c")" "$state"
  done
  echo "run dir: $RUN_DIR"
}

cmd_env() {
  local s
  ensure_run_dir
  take_lock
  ensure_secrets
  for s in "${SERVICES[@]}"; do
    echo "# $s"
    service_env "$s" | sed -e "s/'/'\\\\''/g" -e "s/=/='/" -e "s/\$/'/" -e 's/^/export /'
  done
}

# Demo data for `make up`: `uitgo seed` with user-service's environment (it
# applies user_db's migrations itself, so it does not depend on start order).
cmd_seed() {
  local -a vars
  local tokens_file="$RUN_DIR/demo-tokens.json"
  [[ -x "$BIN" ]] || die "seed: $BIN not found: run make build"
  ensure_run_dir
  ensure_secrets
  mapfile -t vars < <(service_env user-service)
  env "${vars[@]}" SEED_OUTPUT="$tokens_file" "$BIN" seed >>"$(log_file seed)" 2>&1 ||
    fail_start seed "$(log_file seed)" "uitgo seed failed"
  info "demo accounts ready (rider@uitgo.dev, driver@uitgo.dev, admin@uitgo.dev); tokens in $tokens_file"
}

cmd_purge() {
  local pg
  [[ -d "$RUN_DIR" ]] || return 0
  cmd_down down all
  pg=$(pg_root)
  # Only ever delete a recorded folder that looks like one we created.
  if [[ "$pg" == /tmp/uitgo-pg.* && -d "$pg" ]]; then rm -rf "$pg"; fi
  rm -rf "$RUN_DIR"
}

# Starts time of a process (field 22 of /proc/PID/stat): with the PID it
# identifies a process even if the PID is later reused.
proc_start_time() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  # shellcheck disable=SC2086 # split the fields on purpose
  set -- $stat
  echo "${20}"
}

cmd_watch() {
  local owner=${1:-} started now
  [[ "$owner" =~ ^[0-9]+$ ]] || die "watch: need the PID of the owning process"
  started=$(proc_start_time "$owner") || started=gone
  while [[ -d "$RUN_DIR" ]]; do
    now=$(proc_start_time "$owner") || now=gone
    if [[ "$now" != "$started" || "$started" == gone ]] || ! alive "$owner"; then
      info "watch: owner $owner is gone; purging $RUN_DIR"
      cmd_purge
      return 0
    fi
    sleep 1
  done
}

check_settings() {
  local name value
  for name in PG_PORT PG_REPLICA_PORT REDIS_PORT GATEWAY_PORT USER_PORT TRIP_PORT DRIVER_PORT \
    START_TIMEOUT STOP_TIMEOUT; do
    value=${!name}
    if [[ ! "$value" =~ ^[0-9]+$ ]] || ((value < 1 || value > 65535)); then
      die "UITGO_$name must be a number from 1 to 65535 (got '$value')"
    fi
  done
}

main() {
  [[ $# -gt 0 ]] || usage
  check_settings
  local action=$1
  shift
  case $action in
    up | start) cmd_up "$action" "$@" ;;
    down | stop) cmd_down "$action" "$@" ;;
    status) cmd_status "$@" ;;
    env) cmd_env ;;
    purge) cmd_purge ;;
    seed) cmd_seed ;;
    watch) cmd_watch "$@" ;;
    -h | --help | help) usage ;;
    *) die "unknown action '$action' (up start down stop status env seed purge)" ;;
  esac
}

main "$@"
