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

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_tools --hint "apt-get install wrk" wrk
direct="http://127.0.0.1:$(stack_port DRIVER)/health"
gateway="http://127.0.0.1:$(stack_port GATEWAY)/driver-service/health"
for url in "$direct" "$gateway"; do
  curl -fsS -o /dev/null "$url" || die "$url does not answer: run make up first"
done

echo "$(run_stamp): wrk -t2 -c$connections -d${duration}s --latency <url>"
echo
echo "| target | requests/s | p50 | p99 |"
echo "|---|---|---|---|"
read -r rps p50 p99 < <(wrk_measure "$duration" "$connections" "$direct")
echo "| driver-service /health, direct | $rps | $p50 | $p99 |"
read -r rps p50 p99 < <(wrk_measure "$duration" "$connections" "$gateway")
echo "| driver-service /health, through nginx | $rps | $p50 | $p99 |"
