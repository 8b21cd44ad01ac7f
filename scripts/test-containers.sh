#!/usr/bin/env bash
# `make test-containers`: the container image and compose.yaml end to end.
# Builds both images (scripts/container-image.sh), starts compose.yaml with
# podman-compose as a private project on free ports (scripts/compose.sh), then
# through the published gateway: registers a rider and a driver, puts the
# driver online with a location, creates a trip near it and waits until the
# trip is matched to that driver and the driver sees the offer. Also checks
# that the services run as a non-root user, that the image's HEALTHCHECK
# passes, and that Prometheus scrapes all five service instances. Everything
# it started (containers, volumes, network, secrets) is removed at the end,
# also on failure. Prints how long each step took.
#
# environment: UITGO_TEST_KEEP=1 leaves the project running for inspection
# (scripts/compose.sh with the printed UITGO_COMPOSE_* variables removes it).
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools --hint "scripts/install-deps.sh --containers" podman podman-compose python3 curl
export CONTAINERS_CONF=${CONTAINERS_CONF:-$REPO_DIR/deploy/containers/containers.conf}
export UITGO_COMPOSE_PROJECT="uitgo-test-$$"
UITGO_COMPOSE_DIR=$(mktemp -d /tmp/uitgo-compose-test.XXXXXX)
export UITGO_COMPOSE_DIR
read -r UITGO_COMPOSE_GATEWAY_PORT UITGO_COMPOSE_PROMETHEUS_PORT < <(free_ports 2)
export UITGO_COMPOSE_GATEWAY_PORT UITGO_COMPOSE_PROMETHEUS_PORT
readonly API="http://127.0.0.1:$UITGO_COMPOSE_GATEWAY_PORT"

cleanup() {
  local status=$?
  if [[ "${UITGO_TEST_KEEP:-}" == 1 ]]; then
    say "kept: UITGO_COMPOSE_PROJECT=$UITGO_COMPOSE_PROJECT UITGO_COMPOSE_DIR=$UITGO_COMPOSE_DIR scripts/compose.sh purge"
    return
  fi
  if ((status != 0)); then
    say "failed; the services' last lines:"
    for service in user-service trip-service driver-service gateway; do
      podman logs --tail 15 "${UITGO_COMPOSE_PROJECT}_${service}_1" 2>&1 | sed "s/^/  $service: /" >&2 || true
    done
  fi
  "$SCRIPT_DIR/compose.sh" purge >/dev/null 2>&1 || say "warning: could not remove project $UITGO_COMPOSE_PROJECT"
}
trap cleanup EXIT

step_start=$SECONDS
step() {
  say "$1 ($((SECONDS - step_start)) s)"
  step_start=$SECONDS
}

# json FIELD: reads a JSON document on stdin and prints one field (a.b for nested).
json() {
  python3 -c 'import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1].split("."):
    value = value.get(key) if isinstance(value, dict) else None
print("" if value is None else value)' "$1"
}

# call METHOD PATH [TOKEN] [BODY]: the response body; dies on a status >= 400.
call() {
  local method=$1 path=$2 token=${3:-} body=${4:-} out code
  local -a args=(-s -m 10 -X "$method" -H 'Content-Type: application/json' -o - -w '\n%{http_code}')
  if [[ -n "$token" ]]; then args+=(-H "Authorization: Bearer $token"); fi
  if [[ -n "$body" ]]; then args+=(-d "$body"); fi
  out=$(curl "${args[@]}" "$API$path")
  code=${out##*$'\n'}
  out=${out%$'\n'*}
  ((code < 400)) || die "$method $path answered $code: $out"
  printf '%s' "$out"
}

"$SCRIPT_DIR/container-image.sh" all
step "images built"

"$SCRIPT_DIR/compose.sh" up
step "compose stack up and ready (gateway $API)"

for service in user-service trip-service trip-service-2 driver-service driver-service-2; do
  container="${UITGO_COMPOSE_PROJECT}_${service}_1"
  uid=$(podman exec "$container" id -u)
  [[ "$uid" != 0 ]] || die "$service runs as root"
  podman healthcheck run "$container" >/dev/null || die "$service: the image's HEALTHCHECK fails"
done
step "every service instance runs as uid $uid and passes its HEALTHCHECK"

suffix="$$-$RANDOM"
rider=$(call POST /auth/register "" \
  "{\"name\":\"Container Rider\",\"email\":\"rider-$suffix@uitgo.test\",\"password\":\"container-pass-1\"}")
rider_token=$(json accessToken <<<"$rider")
driver=$(call POST /v1/drivers/register "" \
  "{\"name\":\"Container Driver\",\"email\":\"driver-$suffix@uitgo.test\",\"password\":\"container-pass-1\",
    \"phone\":\"0901234567\",\"licenseNumber\":\"LIC-$suffix\",\"vehicle\":{\"make\":\"Honda\",\"model\":\"Wave\",\"color\":\"red\",
    \"plateNumber\":\"59X-$suffix\"}}")
driver_id=$(json id <<<"$driver")
driver_token=$(json accessToken <<<"$driver")
[[ -n "$rider_token" && -n "$driver_token" && -n "$driver_id" ]] || die "registration answered no tokens"
step "rider and driver $driver_id registered through the gateway"

call PATCH "/v1/drivers/$driver_id/status" "$driver_token" '{"status":"online"}' >/dev/null
call PUT /v1/drivers/me/location "$driver_token" '{"lat":10.7769,"lng":106.7009}' >/dev/null
trip=$(call POST /v1/trips "$rider_token" \
  '{"originText":"Ben Thanh","destText":"Landmark 81","serviceId":"bike","originLat":10.7772,"originLng":106.7012,"destLat":10.7951,"destLng":106.7218}')
trip_id=$(json id <<<"$trip")
[[ "$(json status <<<"$trip")" == requested ]] || die "new trip is not requested: $trip"
step "driver online; trip $trip_id requested"

matched=""
for _ in $(seq 1 60); do
  matched=$(call GET "/v1/trips/$trip_id" "$rider_token" | json driverId)
  [[ -z "$matched" ]] || break
  sleep 0.5
done
[[ "$matched" == "$driver_id" ]] || die "trip $trip_id not matched to driver $driver_id within 30 s (driverId '$matched')"
offers=$(call GET "/v1/trips?role=driver&limit=20&offset=0" "$driver_token")
python3 -c 'import json, sys
items = json.loads(sys.argv[1])["items"]
sys.exit(0 if any(t["id"] == sys.argv[2] for t in items) else 1)' "$offers" "$trip_id" ||
  die "the driver's trip list does not show the offer: $offers"
step "trip matched: driverId $matched, and the driver sees the offer"

up=""
for _ in $(seq 1 30); do
  up=$(curl -s "http://127.0.0.1:$UITGO_COMPOSE_PROMETHEUS_PORT/api/v1/query?query=sum(up)" |
    python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")')
  [[ "$up" != 5 ]] || break
  sleep 1
done
[[ "$up" == 5 ]] || die "Prometheus scrapes $up of 5 service instances"
step "Prometheus scrapes all 5 service instances"
echo "1 passed, 0 failed"
