#!/usr/bin/env bash
# The one way to run UIT-Go's servers locally: used by `make up` / `make down`
# and by the C++ integration-test harness (tests/support/test_stack.cpp).
#
# usage: scripts/stack.sh ACTION [COMPONENT...]
#
# actions
#   up [C...]      start C (default: all) plus what C needs (services need
#                  postgres + redis, and sqs with MATCH_QUEUE=sqs; the replica
#                  needs postgres); all leaves sqs out unless MATCH_QUEUE=sqs; a component
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
# components: postgres replica redis sqs user-service trip-service driver-service
#             nginx, and <service>-N for extra instances (see *_EXTRA_PORTS);
#             sqs is the SQS emulator (fauxqs from npm, scripts/sqs/) on
#             127.0.0.1 with the matching queue and its dead-letter queue;
#             aliases: services (every service instance), all
#
# environment (defaults)
#   UITGO_RUN_DIR=<repo>/.run  data, pid files, rendered configs, logs/;
#                        the ports used by `up` are recorded in it (settings.env)
#                        and reused by later calls that do not set them
#   UITGO_PG_PORT=15432  UITGO_PG_REPLICA_PORT=15433  UITGO_REDIS_PORT=16379
#   UITGO_SQS_PORT=14566
#   UITGO_GATEWAY_PORT=8080  UITGO_USER_PORT=8081  UITGO_TRIP_PORT=8082
#   UITGO_DRIVER_PORT=8083   UITGO_BIN=<repo>/build/uitgo
#   UITGO_AUTH_RATE=10r/s  UITGO_AUTH_BURST=20   nginx limit for /auth/* per client IP
#   UITGO_PG_SHARED_BUFFERS=128MB  PostgreSQL's shared_buffers, set when a
#                        cluster is created (a new UITGO_RUN_DIR)
#   CORS_ALLOWED_ORIGINS="http://localhost:*,http://127.0.0.1:*"
#                        origins (scheme://host[:port], port * = any) whose
#                        browsers may call the gateway (the apps' web builds);
#                        empty: no CORS
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
#   MATCH_QUEUE=sqs      the services match through the SQS emulator: `up`
#                        starts it, and the services get SQS_ENDPOINT,
#                        SQS_QUEUE_URL, SQS_DLQ_URL, AWS_REGION and placeholder
#                        AWS keys; SQS_MAX_RECEIVE_COUNT (default
#                        MATCH_MAX_DELIVERIES, else 5) is the queue's redrive
#                        limit; UITGO_SQS_MODULES=<repo>/.cache/sqs-emulator is
#                        where its npm packages are installed (npm ci, once)
# Every other variable of the caller's environment reaches the services
# unchanged (e.g. MATCHING_MODE, DRIVER_SEARCH).
#
# secrets: the first `up`/`start`/`env` on a run dir writes $RUN_DIR/secrets.env
# (mode 600): JWT_SECRET and INTERNAL_TOKEN, 64 random hex characters each
# (or the caller's JWT_SECRET / INTERNAL_TOKEN at that moment). Every service
# gets them from there, so they stay the same for the life of the run dir
# (tests read the file to mint tokens); `purge` deletes them.
set -euo pipefail
# Everything the stack writes (run dir, logs, secrets.env, demo-tokens.json,
# data) is for this account only: folders 700, files 600.
umask 077

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
readonly SCRIPT_DIR REPO_DIR

# The parts only define functions and constants (common.sh also reads the
# run dir's settings record, which the constants of the later parts use).
# shellcheck source=stack/defaults.sh
source "$SCRIPT_DIR/stack/defaults.sh"
# shellcheck source=stack/common.sh
source "$SCRIPT_DIR/stack/common.sh"
# shellcheck source=stack/components.sh
source "$SCRIPT_DIR/stack/components.sh"
# shellcheck source=stack/secrets.sh
source "$SCRIPT_DIR/stack/secrets.sh"
# shellcheck source=stack/postgres.sh
source "$SCRIPT_DIR/stack/postgres.sh"
# shellcheck source=stack/redis.sh
source "$SCRIPT_DIR/stack/redis.sh"
# shellcheck source=stack/sqs.sh
source "$SCRIPT_DIR/stack/sqs.sh"
# shellcheck source=stack/services.sh
source "$SCRIPT_DIR/stack/services.sh"
# shellcheck source=stack/nginx.sh
source "$SCRIPT_DIR/stack/nginx.sh"
# shellcheck source=stack/commands.sh
source "$SCRIPT_DIR/stack/commands.sh"

# The header of this file, without the comment marks.
usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
  exit 2
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

build_component_lists
main "$@"
