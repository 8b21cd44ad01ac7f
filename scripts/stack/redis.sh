# shellcheck shell=bash
# redis.sh - Redis as the stack runs it: daemonized, loopback only, with an
# append-only file fsynced every second, and its pid file in the run dir.

redis_ping() {
  [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]
}

redis_up() { component_pid redis >/dev/null && redis_ping; }

start_redis() {
  local log
  already_running redis && return 0
  log=$(log_file redis)
  command -v redis-server >/dev/null || die "redis-server not installed (run make deps)"
  check_port_free redis "$REDIS_PORT"
  mkdir -p "$RUN_DIR/redis"
  rm -f "$(pid_file redis)"
  info "redis: starting on 127.0.0.1:$REDIS_PORT"
  log_marker redis
  # The match queue lives here: AOF with appendfsync everysec, so a crash
  # (kill -9) loses at most the last second of writes; trip-service's sweep
  # re-publishes whatever that second held (docs/RELIABILITY.md). No RDB
  # snapshots. Our redirection only catches errors before redis opens its own
  # --logfile (same file).
  # shellcheck disable=SC2094
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
    --save '' --appendonly yes --appendfsync everysec --daemonize yes \
    --pidfile "$(pid_file redis)" --logfile "$log" --dir "$RUN_DIR/redis" \
    </dev/null >>"$log" 2>&1 9>&- || fail_start redis "$log" "redis-server failed to start"
  wait_started redis_up || fail_start redis "$log" "no PONG on 127.0.0.1:$REDIS_PORT after ${START_TIMEOUT}s"
}
