#!/usr/bin/env bash
# Trip-read throughput, replica vs primary, on a private stack:
#   1. starts postgres, its streaming replica, redis and trip-service with
#      scripts/stack.sh in UITGO_RUN_DIR (trip-service then gets
#      TRIP_DB_REPLICA_DSN);
#   2. one rider creates N trips through the API (POST /v1/trips);
#   3. wrk (-t2, C connections, S seconds) on GET /v1/trips/{id} and
#      GET /v1/trips (20 newest of the rider's trips + total) with the rider's
#      token, after a 2 s warm-up, in three setups:
#        replica         reads on the replica, the rider has no recent write
#                        (its read-your-writes key is deleted first);
#        replica + RYW   reads on the replica, the rider wrote moments ago and
#                        the replica has replayed it (a Redis GET per read);
#        primary         the replica stopped and trip-service restarted
#                        without TRIP_DB_REPLICA_DSN;
#      and prints trip_reads_total after each setup as a check of the path taken;
#   4. purges the run dir (unless BENCH_KEEP=1).
# Primary, replica, wrk and trip-service share this machine's cores: the
# figures compare the cost of the read paths; a replica on its own host adds
# capacity that this cannot show.
#
# usage: UITGO_RUN_DIR=/tmp/x UITGO_PG_PORT=.. UITGO_PG_REPLICA_PORT=.. UITGO_REDIS_PORT=.. UITGO_TRIP_PORT=.. \
#          scripts/bench-reads.sh [seconds=10] [connections=32] [trips=50]
# environment: UITGO_BIN (default build/uitgo)
set -euo pipefail

seconds=${1:-10}
connections=${2:-32}
trips=${3:-50}

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
use_private_stack
lift_per_user_limits
require_uitgo_bin
require_tools wrk curl openssl redis-cli

base="http://127.0.0.1:$(stack_port TRIP)"
purge_stack_on_exit

export LOG_LEVEL=warn
stack up postgres replica redis trip-service >/dev/null
jwt_secret=$(stack_secret JWT_SECRET)

# An HS256 access token as trip-service expects it (typ at+jwt; iss, aud, sub, role, iat, exp, jti;
# JWT_ISSUER and JWT_AUDIENCE at their defaults).
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
token() {
  local sub=$1 role=$2 now header payload signature
  now=$(date +%s)
  header=$(printf '{"alg":"HS256","typ":"at+jwt"}' | b64url)
  payload=$(printf '{"iss":"uitgo","aud":"uitgo-api","sub":"%s","role":"%s","iat":%d,"exp":%d,"jti":"%s"}' "$sub" "$role" "$now" \
    $((now + 3600)) "$(openssl rand -hex 8)" | b64url)
  signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$jwt_secret" -binary | b64url)
  echo "$header.$payload.$signature"
}

rider=$(cat /proc/sys/kernel/random/uuid)
auth="Authorization: Bearer $(token "$rider" rider)"
body='{"originText":"Ben Thanh","destText":"Tan Son Nhat","serviceId":"car","originLat":10.7725,"originLng":106.698,"destLat":10.8185,"destLng":106.6588}'
trip_id=
for ((i = 0; i < trips; i++)); do
  trip_id=$(curl -fsS -H "$auth" -H 'Content-Type: application/json' -d "$body" "$base/v1/trips" |
    sed -E 's/.*"id":"([^"]+)".*/\1/')
done
[[ -n "$trip_id" ]] || die "could not create trips"

# One wrk run with the rider's token; prints "req/s p50 p99".
measure() { wrk_measure "$seconds" "$connections" -H "$auth" "$1"; }
reads_metric() {
  curl -fsS "$base/metrics" | awk '/^trip_reads_total/ {printf "%s%s", sep, $0; sep="; "} END {print ""}'
}

rows=()
run_setup() {
  local setup=$1 rps p50 p99
  # Warm-up: the pool opens its connections, caches fill.
  wrk -t2 -c"$connections" -d2s -H "$auth" "$base/v1/trips/$trip_id" >/dev/null
  read -r rps p50 p99 < <(measure "$base/v1/trips/$trip_id")
  rows+=("| $setup | GET /v1/trips/{id} | $rps | $p50 | $p99 |")
  read -r rps p50 p99 < <(measure "$base/v1/trips")
  rows+=("| $setup | GET /v1/trips | $rps | $p50 | $p99 |")
  echo "after $setup: $(reads_metric)" >&2
}

sleep 1 # the replica replays the last trips
stack_redis DEL "trip:ryw:$rider" >/dev/null
run_setup "replica"
# A write of the rider (cancel its last trip): its reads now check the replica's replay position.
curl -fsS -o /dev/null -H "$auth" -H 'Content-Type: application/json' -d '{"status":"cancelled"}' \
  "$base/v1/trips/$trip_id/status"
run_setup "replica + RYW"
stack stop trip-service replica >/dev/null
stack start trip-service >/dev/null
run_setup "primary"

echo "$(run_stamp); $trips trips of one rider;" \
  "wrk -t2 -c$connections -d${seconds}s --latency -H 'Authorization: Bearer <rider>' <url>"
echo
echo "| reads from | request | requests/s | p50 | p99 |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
