#!/usr/bin/env bash
# Runs a load profile of loadtests/scenarios against an API base and writes a
# k6-style summary: `make loadtest-trip-matching`, `make loadtest PROFILE=smoke`.
# With k6 on PATH it runs the k6 script; otherwise it says so in one line and
# runs `uitgo loadgen` on the same scenario file.
#
# usage: scripts/loadtest.sh [PROFILE]          (default trip_matching)
#
# environment
#   API_BASE=http://localhost:8080   where to send the requests
#   ACCESS_TOKEN                     one rider token for every request; without it
#                                    the tokens come from TOKENS, or (local stack) a
#                                    fresh `scripts/stack.sh seed` with SEED_RIDERS /
#                                    SEED_DRIVERS (default 3000 riders, each holding one
#                                    open trip at a time, and 20 drivers) load-test
#                                    accounts, or else a login of the demo accounts;
#                                    one ACCESS_TOKEN for every trip needs a stack
#                                    started with LIFT_PER_USER_LIMITS=true
#   TOKENS                           a tokens file printed by `uitgo seed`
#   TARGET_RPS DURATION VUS DRIVERS  the profile's variables (ignored by profiles
#                                    that do not declare them)
#   RESULT                           summary file (default loadtests/results/PROFILE.json;
#                                    TRIP_MATCHING_RESULT for trip_matching)
#   LOADGEN_ARGS                     extra arguments for `uitgo loadgen`, e.g.
#                                    "--metrics-url http://127.0.0.1:8083/metrics"
#   UITGO_BIN=<repo>/build/uitgo     UITGO_RUN_DIR=<repo>/.run
#   LOADTEST_RUNNER=auto|k6|loadgen  force one runner
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DIE_STATUS=2
PROFILE=${1:-trip_matching}
API_BASE=${API_BASE:-http://localhost:8080}
RUN_DIR=${UITGO_RUN_DIR:-$REPO_DIR/.run}
RUNNER=${LOADTEST_RUNNER:-auto}
SCENARIO_FILE="$REPO_DIR/loadtests/scenarios/$PROFILE.json"

[[ "$PROFILE" =~ ^[A-Za-z0-9_-]+$ ]] || die "bad profile name '$PROFILE'"
[[ -f "$SCENARIO_FILE" ]] || die "unknown profile '$PROFILE' (no $SCENARIO_FILE)"

default_result="$REPO_DIR/loadtests/results/$PROFILE.json"
if [[ "$PROFILE" == trip_matching ]]; then default_result=${TRIP_MATCHING_RESULT:-$default_result}; fi
RESULT=${RESULT:-$default_result}
mkdir -p "$(dirname "$RESULT")" "$REPO_DIR/loadtests/results"

if [[ "$RUNNER" == auto ]]; then
  if command -v k6 >/dev/null 2>&1; then RUNNER=k6; else RUNNER=loadgen; fi
fi

# The profile's variables travel as environment variables: k6 reads them as
# __ENV.*, uitgo loadgen applies the ones the profile declares.
export API_BASE
for name in TARGET_RPS DURATION VUS DRIVERS; do
  if [[ -n "${!name:-}" ]]; then export "${name?}"; fi
done

if [[ "$RUNNER" == k6 ]]; then
  script="$REPO_DIR/loadtests/k6/profile.js"
  [[ "$PROFILE" == trip_matching ]] && script="$REPO_DIR/loadtests/k6/trip_matching.js"
  say "k6 run $script (profile $PROFILE) against $API_BASE -> $RESULT"
  exec k6 run -e PROFILE="$PROFILE" -e RESULT="$RESULT" "$script"
fi

say "k6 is not installed; using \`uitgo loadgen\` with the same scenario file instead"
require_uitgo_bin
args=("$PROFILE" --scenarios-dir "$REPO_DIR/loadtests/scenarios" --api-base "$API_BASE" --out "$RESULT"
  --timeseries "${RESULT%.json}.csv")
if [[ -n "${ACCESS_TOKEN:-}" ]]; then
  args+=(--access-token "$ACCESS_TOKEN")
elif [[ -n "${TOKENS:-}" ]]; then
  args+=(--tokens "$TOKENS")
elif [[ -f "$RUN_DIR/secrets.env" ]]; then
  # A local stack: fresh tokens for load-test riders and drivers (with driver
  # profiles), valid for two hours (SEED_TOKEN_TTL_SECONDS) so that long
  # profiles such as soak keep working; `make up`'s own tokens live 15 minutes.
  SEED_RIDERS=${SEED_RIDERS:-3000} SEED_DRIVERS=${SEED_DRIVERS:-20} SEED_TOKEN_TTL_SECONDS=${SEED_TOKEN_TTL_SECONDS:-7200} \
    UITGO_RUN_DIR="$RUN_DIR" stack seed
  args+=(--tokens "$RUN_DIR/demo-tokens.json")
fi
# shellcheck disable=SC2206 # LOADGEN_ARGS is split on purpose
[[ -n "${LOADGEN_ARGS:-}" ]] && args+=(${LOADGEN_ARGS})
exec "$UITGO_BIN" loadgen "${args[@]}"
