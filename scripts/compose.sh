#!/usr/bin/env bash
# Runs compose.yaml with podman-compose (or `docker compose`): `make
# compose-up`, `make compose-down`, and scripts/test-containers.sh.
#
# usage: scripts/compose.sh ACTION
#   up [--grafana]  build the images when missing (scripts/container-image.sh),
#                   write the secrets file once, start every service of
#                   compose.yaml (Grafana too with --grafana), wait until each
#                   service instance is ready, create the demo accounts and
#                   write their tokens to $UITGO_COMPOSE_DIR/demo-tokens.json
#   down            stop and remove the containers; the data volumes stay
#   purge           down, then delete the volumes and $UITGO_COMPOSE_DIR
#   ps              the containers of the project
#   logs SERVICE    one service's output
#
# environment (defaults)
#   UITGO_COMPOSE_PROJECT=uitgo           container, network and volume prefix
#   UITGO_COMPOSE_DIR=<repo>/.run/compose secrets.env (mode 600), demo-tokens.json
#   UITGO_COMPOSE_GATEWAY_PORT=8080  UITGO_COMPOSE_PROMETHEUS_PORT=9090
#   UITGO_COMPOSE_GRAFANA_PORT=3000       published on 127.0.0.1
#   UITGO_IMAGE, UITGO_INFRA_IMAGE        as scripts/container-image.sh
#   COMPOSE=podman-compose                or "docker compose"
#   UITGO_START_TIMEOUT=120               seconds to wait for readiness
#
# Secrets: the first `up` writes JWT_SECRET, INTERNAL_TOKEN, POSTGRES_PASSWORD
# (the caller's values at that moment, else random), the DSNs holding that
# password and GF_SECURITY_ADMIN_PASSWORD to $UITGO_COMPOSE_DIR/secrets.env;
# the containers read it as an env file, so no secret is on a command line.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly COMPOSE_FILE="$REPO_DIR/compose.yaml"
export UITGO_COMPOSE_PROJECT=${UITGO_COMPOSE_PROJECT:-uitgo}
export UITGO_COMPOSE_DIR=${UITGO_COMPOSE_DIR:-$REPO_DIR/.run/compose}
export UITGO_COMPOSE_SECRETS="$UITGO_COMPOSE_DIR/secrets.env"
export UITGO_COMPOSE_GATEWAY_PORT=${UITGO_COMPOSE_GATEWAY_PORT:-8080}
export UITGO_COMPOSE_PROMETHEUS_PORT=${UITGO_COMPOSE_PROMETHEUS_PORT:-9090}
export UITGO_COMPOSE_GRAFANA_PORT=${UITGO_COMPOSE_GRAFANA_PORT:-3000}
export UITGO_IMAGE=${UITGO_IMAGE:-localhost/uitgo:latest}
export UITGO_INFRA_IMAGE=${UITGO_INFRA_IMAGE:-localhost/uitgo-infra:latest}
export CONTAINERS_CONF=${CONTAINERS_CONF:-$REPO_DIR/deploy/containers/containers.conf}
readonly START_TIMEOUT=${UITGO_START_TIMEOUT:-120}
read -r -a COMPOSE_CMD <<<"${COMPOSE:-podman-compose}"
readonly COMPOSE_CMD

compose() { "${COMPOSE_CMD[@]}" -p "$UITGO_COMPOSE_PROJECT" -f "$COMPOSE_FILE" "$@"; }

# podman, or docker when compose runs through docker.
engine() {
  if [[ "${COMPOSE_CMD[0]}" == docker* ]]; then docker "$@"; else podman "$@"; fi
}

# The services of compose.yaml outside any profile (podman-compose 1.0.3
# ignores `profiles:`, so they are named on its command line).
default_services() {
  python3 -c 'import sys, yaml
for name, svc in yaml.safe_load(open(sys.argv[1]))["services"].items():
    if not svc.get("profiles"): print(name)' "$COMPOSE_FILE"
}

# Service instances that run the uitgo image (they answer GET /ready).
app_services() {
  python3 -c 'import sys, yaml
for name, svc in yaml.safe_load(open(sys.argv[1]))["services"].items():
    if "UITGO_IMAGE" in str(svc.get("image", "")): print(name)' "$COMPOSE_FILE"
}

container_of() {
  if [[ "${COMPOSE_CMD[0]}" == docker* ]]; then
    echo "$UITGO_COMPOSE_PROJECT-$1-1"
  else
    echo "${UITGO_COMPOSE_PROJECT}_$1_1"
  fi
}

random_hex() { od -An -v -N32 -tx1 /dev/urandom | tr -d ' \n'; }

ensure_secrets() {
  local jwt internal pg grafana dsn
  if [[ -s "$UITGO_COMPOSE_SECRETS" ]]; then return 0; fi
  (umask 077 && mkdir -p "$UITGO_COMPOSE_DIR")
  jwt=${JWT_SECRET:-$(random_hex)}
  internal=${INTERNAL_TOKEN:-$(random_hex)}
  pg=${POSTGRES_PASSWORD:-$(random_hex)}
  grafana=$(random_hex)
  dsn="host=postgres port=5432 user=uitgo password=$pg sslmode=disable"
  (
    umask 077
    printf '%s\n' "JWT_SECRET=$jwt" "INTERNAL_TOKEN=$internal" "POSTGRES_USER=uitgo" "POSTGRES_PASSWORD=$pg" \
      "USER_DB_DSN=$dsn dbname=user_db" "DRIVER_DB_DSN=$dsn dbname=driver_db" "TRIP_DB_DSN=$dsn dbname=trip_db" \
      "TRIP_DB_REPLICA_DSN=${dsn/host=postgres/host=replica} dbname=trip_db" \
      "GF_SECURITY_ADMIN_PASSWORD=$grafana" >"$UITGO_COMPOSE_SECRETS"
  )
  say "secrets written to $UITGO_COMPOSE_SECRETS"
}

ensure_images() {
  if ! engine image inspect "$UITGO_IMAGE" >/dev/null 2>&1 || ! engine image inspect "$UITGO_INFRA_IMAGE" >/dev/null 2>&1; then
    "$SCRIPT_DIR/container-image.sh" all
  fi
}

http_ok() { [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null)" == 200 ]]; }

# Every uitgo instance answers /ready (the image's HEALTHCHECK command), and
# the gateway reaches each service.
wait_ready() {
  local deadline=$((SECONDS + START_TIMEOUT)) service gateway="http://127.0.0.1:$UITGO_COMPOSE_GATEWAY_PORT"
  local -a services
  mapfile -t services < <(app_services)
  for service in "${services[@]}"; do
    until engine exec "$(container_of "$service")" curl -fsS -o /dev/null "http://127.0.0.1:8080/ready" 2>/dev/null; do
      ((SECONDS < deadline)) || die "$service not ready after ${START_TIMEOUT}s (scripts/compose.sh logs $service)"
      sleep 1
    done
  done
  for service in user-service trip-service driver-service; do
    until http_ok "$gateway/$service/health"; do
      ((SECONDS < deadline)) || die "the gateway does not reach $service after ${START_TIMEOUT}s"
      sleep 1
    done
  done
  say "ready: gateway $gateway, Prometheus http://127.0.0.1:$UITGO_COMPOSE_PROMETHEUS_PORT"
}

# The demo accounts (`uitgo seed` inside user-service's container, with its
# environment), their tokens to $UITGO_COMPOSE_DIR/demo-tokens.json.
seed() {
  local tokens="$UITGO_COMPOSE_DIR/demo-tokens.json"
  (umask 077 && engine exec -e SEED_OUTPUT=- "$(container_of user-service)" uitgo seed >"$tokens.tmp")
  mv "$tokens.tmp" "$tokens"
  say "demo accounts ready (rider@uitgo.dev, driver@uitgo.dev, admin@uitgo.dev); tokens in $tokens"
}

cmd_up() {
  local -a services
  require_tools --hint "scripts/install-deps.sh --containers" "${COMPOSE_CMD[0]}" python3 curl
  mapfile -t services < <(default_services)
  if [[ "${1:-}" == --grafana ]]; then services+=(grafana); fi
  ensure_secrets
  ensure_images
  # podman-compose reports harmless errors (volumes it inspects before creating
  # them; health-check timers that need systemd): its output goes to a log.
  if ! compose up -d "${services[@]}" >"$UITGO_COMPOSE_DIR/compose-up.log" 2>&1; then
    tail -n 30 "$UITGO_COMPOSE_DIR/compose-up.log" >&2
    die "compose up failed (log: $UITGO_COMPOSE_DIR/compose-up.log)"
  fi
  wait_ready
  seed
}

# podman-compose 1.0.3 leaves the project network behind; docker compose removes it.
remove_network() {
  if engine network exists "${UITGO_COMPOSE_PROJECT}_default" >/dev/null 2>&1; then
    engine network rm -f "${UITGO_COMPOSE_PROJECT}_default" >/dev/null 2>&1 || true
  fi
}

# SIGTERM, then 20 s to drain before SIGKILL (podman-compose's default is 1 s
# and it ignores stop_grace_period).
cmd_down() {
  compose down -t 20
  remove_network
}

cmd_purge() {
  local volume
  compose down -t 20 || true
  remove_network
  for volume in pg-primary pg-replica redis-data prometheus-data; do
    engine volume rm -f "${UITGO_COMPOSE_PROJECT}_$volume" >/dev/null 2>&1 || true
  done
  rm -rf "$UITGO_COMPOSE_DIR"
}

main() {
  local action=${1:-}
  shift || true
  case $action in
    up) cmd_up "$@" ;;
    down) cmd_down ;;
    purge) cmd_purge ;;
    ps) compose ps ;;
    logs) compose logs "$@" ;;
    *) die "usage: scripts/compose.sh up [--grafana] | down | purge | ps | logs SERVICE" ;;
  esac
}

main "$@"
