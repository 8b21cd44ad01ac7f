# shellcheck shell=bash
# commands.sh - the actions of scripts/stack.sh (cmd_<action>): up / start,
# down / stop, status, env, seed, purge, watch.

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
      sqs) printf '  %-17s http://127.0.0.1:%s  (SQS emulator; queue URLs in %s)\n' "$c" "$SQS_PORT" "$SQS_ENV_FILE" ;;
      *) printf '  %-17s http://127.0.0.1:%s\n' "$c" "$(port_of "$c")" ;;
    esac
  done
  printf '  %-17s %s/<component>.log\n' logs "$LOG_DIR"
}

# up [C...]: C (default all) and their dependencies; start C...: exactly C.
cmd_up() {
  local action=$1 c
  shift
  # shellcheck disable=SC2034 # read by select_components (components.sh)
  STARTING=true
  if [[ $action == up ]]; then
    [[ $# -gt 0 ]] || set -- all
    select_with_dependencies "$@"
  else
    [[ $# -gt 0 ]] || die "start: name the components (or use up)"
    select_components "$@"
  fi
  local -a components=("${SELECTED[@]}")
  # Fail before starting anything when a service cannot start anyway.
  for c in "${components[@]}"; do
    case $c in
      *-service) require_bin "$c" ;;
    esac
  done
  ensure_run_dir
  take_lock
  save_settings
  ensure_secrets
  # Consecutive services start together (services.sh); anything else waits
  # for them first (nginx needs its upstreams).
  for c in "${components[@]}"; do
    is_service "$c" || await_services
    start_component "$c"
  done
  await_services
  if [[ $action == up ]]; then print_endpoints; fi
}

# down [C...]: stop C (default all) and forget the replica; stop C...: keep data.
cmd_down() {
  local action=$1 i
  shift
  if [[ $# -eq 0 && $action == down ]]; then set -- all; fi
  [[ $# -gt 0 ]] || die "stop: name the components (or use down)"
  select_components "$@"
  local -a components=("${SELECTED[@]}")
  if [[ ! -d "$RUN_DIR" ]]; then
    info "nothing runs from $RUN_DIR (no such folder)"
    return 0
  fi
  take_lock
  for ((i = ${#components[@]} - 1; i >= 0; i--)); do
    "${action}_component" "${components[i]}"
  done
}

cmd_status() {
  local c pid state
  [[ $# -gt 0 ]] || set -- all
  select_components "$@"
  printf '%-17s %-8s %-6s %s\n' COMPONENT PID PORT STATE
  for c in "${SELECTED[@]}"; do
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
  require_bin seed
  ensure_run_dir
  ensure_secrets
  mapfile -t vars < <(service_env user-service)
  # Secrets by environment, not on the command line (see launch_service).
  (
    export "${vars[@]}" SEED_OUTPUT="$tokens_file"
    exec "$BIN" seed >>"$(log_file seed)" 2>&1
  ) || fail_start seed "$(log_file seed)" "uitgo seed failed"
  chmod 600 "$tokens_file"
  info "demo accounts ready (rider@uitgo.dev, driver@uitgo.dev, admin@uitgo.dev); tokens in $tokens_file"
}

cmd_purge() {
  [[ -d "$RUN_DIR" ]] || return 0
  cmd_down down all
  remove_pg_root_outside
  rm -rf "$RUN_DIR"
}

# watch PID: purges the run dir once process PID is gone (test harness).
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
