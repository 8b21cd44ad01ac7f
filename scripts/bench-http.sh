#!/usr/bin/env bash
# Calibrates the HTTP stack: wrk against GET /health of a service directly and
# through the nginx gateway, on a stack already started with `make up`.
# Prints a markdown table (with date, cores and the wrk command) for
# docs/PERFORMANCE.md. Load and servers share this machine's cores, so the
# figures compare costs; they are not capacities.
#
# usage: scripts/bench-http.sh [seconds=10] [connections=64]
set -euo pipefail

duration=${1:-10}
connections=${2:-64}
gateway=${UITGO_GATEWAY_PORT:-8080}
direct=${UITGO_DRIVER_PORT:-8083}

command -v wrk >/dev/null || { echo "bench-http: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
for url in "http://127.0.0.1:$direct/health" "http://127.0.0.1:$gateway/driver-service/health"; do
  curl -fsS -o /dev/null "$url" || { echo "bench-http: $url does not answer: run make up first" >&2; exit 1; }
done

# One wrk run; prints "req/s p50 p99" from wrk's --latency report.
measure() {
  local url=$1 out rps p50 p99
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency "$url")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  echo "$rps $p50 $p99"
}

echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores: wrk -t2 -c$connections -d${duration}s --latency <url>"
echo
echo "| target | requests/s | p50 | p99 |"
echo "|---|---|---|---|"
read -r rps p50 p99 < <(measure "http://127.0.0.1:$direct/health")
echo "| driver-service /health, direct | $rps | $p50 | $p99 |"
read -r rps p50 p99 < <(measure "http://127.0.0.1:$gateway/driver-service/health")
echo "| driver-service /health, through nginx | $rps | $p50 | $p99 |"
