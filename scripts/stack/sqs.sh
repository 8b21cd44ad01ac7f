# shellcheck shell=bash
# sqs.sh - the local SQS endpoint for MATCH_QUEUE=sqs: fauxqs (npm, pinned
# by scripts/sqs/package-lock.json) run by scripts/sqs/emulator.mjs on
# 127.0.0.1 only, with the matching queue and its dead-letter queue. `up`
# starts it only when MATCH_QUEUE=sqs (or when named); the services then get
# its endpoint, the queue URLs and dummy credentials (service_env).

readonly SQS_DIR="$REPO_DIR/scripts/sqs"
# npm ci goes here once (and again when the lockfile changes); shared by
# every run dir of this checkout.
SQS_MODULES="$(realpath -m "${UITGO_SQS_MODULES:-$REPO_DIR/.cache/sqs-emulator}")"
readonly SQS_MODULES
readonly SQS_ENV_FILE="$RUN_DIR/sqs/queues.env"

# Whether the services are to match through SQS (the caller's MATCH_QUEUE).
sqs_wanted() { [[ "${MATCH_QUEUE:-redis}" == sqs ]]; }

sqs_up() { [[ -s "$SQS_ENV_FILE" ]] && http_ok "http://127.0.0.1:$SQS_PORT/health"; }

# npm ci of scripts/sqs into SQS_MODULES when missing or older than the
# lockfile, under a lock (tests start stacks in parallel).
ensure_sqs_modules() {
  local log=$1 stamp="$SQS_MODULES/node_modules/.package-lock.json"
  command -v node >/dev/null || die "sqs: node is not installed (run make deps)"
  command -v npm >/dev/null || die "sqs: npm is not installed (run make deps)"
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  ((major >= 20)) || die "sqs: node $(node --version) is too old: the SQS emulator (fauxqs) needs Node 20 or newer"
  mkdir -p "$SQS_MODULES"
  (
    flock -w 600 8 || exit 3
    if [[ ! -f "$stamp" || "$SQS_DIR/package-lock.json" -nt "$stamp" || "$SQS_DIR/package.json" -nt "$stamp" ]]; then
      info "sqs: installing the emulator (npm ci into $SQS_MODULES)"
      cp "$SQS_DIR/package.json" "$SQS_DIR/package-lock.json" "$SQS_MODULES/"
      npm ci --prefix "$SQS_MODULES" --no-audit --no-fund --loglevel=error >>"$log" 2>&1 || exit 4
    fi
  ) 8>>"$SQS_MODULES.lock" 9>&- || fail_start sqs "$log" "npm ci --prefix $SQS_MODULES failed (it needs the npm registry once)"
}

start_sqs() {
  local log pid="" deadline
  already_running sqs && return 0
  log=$(log_file sqs)
  log_marker sqs
  ensure_sqs_modules "$log"
  check_port_free sqs "$SQS_PORT"
  mkdir -p "$RUN_DIR/sqs"
  rm -f "$SQS_ENV_FILE" "$(pid_file sqs)"
  info "sqs: starting the SQS emulator on 127.0.0.1:$SQS_PORT"
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner bash
  nohup setsid bash -c 'echo $$ >"$0"; exec "$@"' "$(pid_file sqs)" \
    env SQS_EMULATOR_PORT="$SQS_PORT" SQS_EMULATOR_MODULES="$SQS_MODULES" SQS_EMULATOR_ENV_FILE="$SQS_ENV_FILE" \
    node "$SQS_DIR/emulator.mjs" </dev/null >>"$log" 2>&1 9>&- &
  deadline=$((SECONDS + START_TIMEOUT))
  until sqs_up; do
    [[ -n "$pid" ]] || pid=$(read_pid_file "$(pid_file sqs)") || pid=""
    if [[ -n "$pid" ]] && ! alive "$pid"; then
      rm -f "$(pid_file sqs)"
      fail_start sqs "$log" "exited during startup"
    fi
    if ((SECONDS >= deadline)); then
      if [[ -n "$pid" ]]; then terminate "$pid" TERM; fi
      rm -f "$(pid_file sqs)"
      fail_start sqs "$log" "no queues on 127.0.0.1:$SQS_PORT after ${START_TIMEOUT}s"
    fi
    sleep 0.1
  done
}

# The lines service_env adds when the services match through the emulator.
# The credentials are placeholders: the emulator checks no signature, and
# real keys from the caller's environment never go to it.
sqs_service_env() {
  sqs_wanted || return 0
  component_pid sqs >/dev/null && [[ -s "$SQS_ENV_FILE" ]] || return 0
  cat "$SQS_ENV_FILE"
  echo "AWS_ACCESS_KEY_ID=local-sqs-emulator"
  echo "AWS_SECRET_ACCESS_KEY=local-sqs-emulator-secret"
  echo "AWS_SESSION_TOKEN="
  echo "AWS_EC2_METADATA_DISABLED=true"
}
