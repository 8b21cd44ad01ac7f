# shellcheck shell=bash
# services.sh - the uitgo service processes (user, trip, driver and their
# extra instances): the environment each one gets, start and health wait.
# (Stopping is stop_component's SIGTERM.)

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
  secret_lines
  sqs_service_env
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

# Services start together: launch_service starts one without waiting,
# await_services waits for every one launched so far to answer. Each one's
# start-up (migrations, pool warm-up, index warm-up) then overlaps the
# others', as when a deployment starts its instances, instead of each
# waiting for the previous one's health check.
LAUNCHED_SERVICES=()

launch_service() {
  local service=$1 port log
  local -a vars
  already_running "$service" && return 0
  port=$(port_of "$service")
  log=$(log_file "$service")
  require_bin "$service"
  check_port_free "$service" "$port"
  mapfile -t vars < <(service_env "$service")
  rm -f "$(pid_file "$service")"
  info "$service: starting on 127.0.0.1:$port"
  log_marker "$service"
  # setsid: own session, so Ctrl-C in the terminal (or the test's process
  # group) does not reach it. The inner bash records its own PID (which the
  # service keeps through exec), whether or not setsid had to fork.
  # The variables (secrets among them) are exported in a subshell, never put
  # on a command line, where any local user could read them (ps, /proc).
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner bash
  (
    export "${vars[@]}"
    exec nohup setsid bash -c 'echo $$ >"$0"; exec "$@"' "$(pid_file "$service")" \
      "$BIN" "$(base_service "$service")" </dev/null >>"$log" 2>&1 9>&-
  ) &
  LAUNCHED_SERVICES+=("$service")
}

# Waits for each launched service in turn; fails on the first that does not
# come up (the others keep running, as services started before it would).
await_services() {
  local service port log
  for service in "${LAUNCHED_SERVICES[@]}"; do
    port=$(port_of "$service")
    log=$(log_file "$service")
    wait_healthy "$service" "$port" "$log"
    component_pid "$service" >/dev/null ||
      fail_start "$service" "$log" "answers on port $port but its pid file is wrong"
  done
  LAUNCHED_SERVICES=()
}

# Waits for GET /health == 200; fails when the process exits first or after
# START_TIMEOUT seconds (then stopping it: no half-started service is left).
wait_healthy() {
  local service=$1 port=$2 log=$3 pid="" deadline
  deadline=$((SECONDS + START_TIMEOUT))
  until http_ok "http://127.0.0.1:$port/health"; do
    [[ -n "$pid" ]] || pid=$(read_pid_file "$(pid_file "$service")") || pid=""
    if [[ -n "$pid" ]] && ! alive "$pid"; then
      rm -f "$(pid_file "$service")"
      fail_start "$service" "$log" "exited during startup"
    fi
    if ((SECONDS >= deadline)); then
      if [[ -n "$pid" ]]; then terminate "$pid" TERM; fi
      rm -f "$(pid_file "$service")"
      fail_start "$service" "$log" "GET /health != 200 after ${START_TIMEOUT}s"
    fi
    sleep 0.1
  done
}
