# shellcheck shell=bash disable=SC2034 # settings for the other parts
# common.sh - what every part of scripts/stack.sh uses: the run dir and its
# settings record, messages, process / pid file / port helpers, the lock.
# Sourced after defaults.sh, with REPO_DIR set; reads the settings on load.

RUN_DIR="$(realpath -m "${UITGO_RUN_DIR:-$REPO_DIR/.run}")"
readonly RUN_DIR
readonly LOG_DIR="$RUN_DIR/logs"
readonly PID_DIR="$RUN_DIR/pids"

# ---------------------------------------------------------------- settings

# The ports a run dir was brought up with are recorded in it, so a later
# `down` / `status` without the same variables still talks to the right
# servers. Variables set by the caller win over the record. Each one's value
# is in the variable of the same name without UITGO_ (UITGO_PG_PORT: PG_PORT).
readonly SETTINGS_FILE="$RUN_DIR/settings.env"
readonly RECORDED_SETTINGS=(UITGO_PG_PORT UITGO_PG_REPLICA_PORT UITGO_REDIS_PORT UITGO_SQS_PORT UITGO_GATEWAY_PORT
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

save_settings() {
  local key value
  for key in "${RECORDED_SETTINGS[@]}"; do
    value=${key#UITGO_}
    printf '%s=%s\n' "$key" "${!value}"
  done >"$SETTINGS_FILE.tmp"
  mv "$SETTINGS_FILE.tmp" "$SETTINGS_FILE"
}

load_settings
readonly PG_PORT="${UITGO_PG_PORT:-$DEFAULT_PG_PORT}"
readonly PG_REPLICA_PORT="${UITGO_PG_REPLICA_PORT:-$DEFAULT_PG_REPLICA_PORT}"
readonly REDIS_PORT="${UITGO_REDIS_PORT:-$DEFAULT_REDIS_PORT}"
readonly SQS_PORT="${UITGO_SQS_PORT:-$DEFAULT_SQS_PORT}"
readonly GATEWAY_PORT="${UITGO_GATEWAY_PORT:-$DEFAULT_GATEWAY_PORT}"
readonly USER_PORT="${UITGO_USER_PORT:-$DEFAULT_USER_PORT}"
readonly TRIP_PORT="${UITGO_TRIP_PORT:-$DEFAULT_TRIP_PORT}"
readonly DRIVER_PORT="${UITGO_DRIVER_PORT:-$DEFAULT_DRIVER_PORT}"
readonly USER_EXTRA_PORTS="${UITGO_USER_EXTRA_PORTS:-}"
readonly TRIP_EXTRA_PORTS="${UITGO_TRIP_EXTRA_PORTS:-}"
readonly DRIVER_EXTRA_PORTS="${UITGO_DRIVER_EXTRA_PORTS:-}"
readonly BIN="${UITGO_BIN:-$REPO_DIR/build/uitgo}"
readonly START_TIMEOUT="${UITGO_START_TIMEOUT:-30}"
readonly STOP_TIMEOUT="${UITGO_STOP_TIMEOUT:-20}"

check_settings() {
  local name value
  for name in PG_PORT PG_REPLICA_PORT REDIS_PORT SQS_PORT GATEWAY_PORT USER_PORT TRIP_PORT DRIVER_PORT \
    START_TIMEOUT STOP_TIMEOUT; do
    value=${!name}
    if [[ ! "$value" =~ ^[0-9]+$ ]] || ((value < 1 || value > 65535)); then
      die "UITGO_$name must be a number from 1 to 65535 (got '$value')"
    fi
  done
}

# ---------------------------------------------------------------- messages

info() { printf 'stack: %s\n' "$*" >&2; }
warn() { printf 'stack: warning: %s\n' "$*" >&2; }
die() {
  printf 'stack: error: %s\n' "$*" >&2
  exit 1
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

# Dies unless the uitgo binary exists; WHO starts the message.
require_bin() {
  local who=$1
  [[ -x "$BIN" ]] || die "$who: $BIN not found: run make build"
}

# ---------------------------------------------------------------- run dir

ensure_run_dir() {
  mkdir -p "$RUN_DIR" "$LOG_DIR" "$PID_DIR"
  # Also a run dir made before stack.sh set umask 077.
  chmod 700 "$RUN_DIR" "$LOG_DIR"
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

# Serializes stack.sh invocations on one run dir (e.g. `make up` twice at once).
# Every server is started with `9>&-` so none of them keeps the lock open.
take_lock() {
  exec 9>>"$RUN_DIR/.lock"
  flock -w 300 9 || die "another stack.sh holds $RUN_DIR/.lock for 5 minutes"
}

# ---------------------------------------------------------------- processes

is_root() { [[ $(id -u) -eq 0 ]]; }

# The fields of /proc/PID/stat after the command name (the state first).
proc_stat() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  echo "${stat##*) }"
}

# Start time of a process (field 22 of /proc/PID/stat): with the PID it
# identifies a process even if the PID is later reused.
proc_start_time() {
  local stat
  stat=$(proc_stat "$1") || return 1
  # shellcheck disable=SC2086 # split the fields on purpose
  set -- $stat
  echo "${20}"
}

# True when the process exists and is not a zombie. (A zombie is already dead;
# `kill -0` would still succeed on it if nobody reaps it, and PID 1 of a
# container does not always reap.)
alive() {
  local pid=$1 stat
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  stat=$(proc_stat "$pid") || return 1
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

# wait_started CHECK...: runs CHECK every 0.1 s until it succeeds; fails once
# START_TIMEOUT seconds have passed.
wait_started() {
  local deadline=$((SECONDS + START_TIMEOUT))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# ---------------------------------------------------------------- ports

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
