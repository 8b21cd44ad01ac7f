#!/usr/bin/env bash
# fuzz.sh - builds and runs the libFuzzer targets of fuzz/ (docs/ARCHITECTURE.md, "Fuzzing").
#
#   scripts/fuzz.sh build   configure (once) and build the clang tree, build-fuzz/
#   scripts/fuzz.sh run     build, then fuzz each target for FUZZ_SECONDS (default 60), one at a time,
#                           and print executions, exec/s, coverage and crash files per target
#
# FUZZ_TARGETS: space-separated names (default: every folder of fuzz/corpus/).
# FUZZ_BUILD_DIR (default build-fuzz), FUZZ_JOBS (default nproc), FUZZ_ARGS: more libFuzzer flags.
# `run` grows each corpus in build-fuzz/corpus/<target> (scratch; the committed seeds in
# fuzz/corpus/<target> are only read) and keeps crashing inputs in fuzz/crashes/ (git-ignored).
# Replay one: build-fuzz/fuzz/<target> fuzz/crashes/<file>
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR=${FUZZ_BUILD_DIR:-$REPO_DIR/build-fuzz}
[[ "$BUILD_DIR" = /* ]] || BUILD_DIR="$REPO_DIR/$BUILD_DIR"
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
CRASH_DIR="$REPO_DIR/fuzz/crashes"

say() { echo "fuzz: $*" >&2; }
die() {
  say "$@"
  exit 1
}

build() {
  command -v clang++ >/dev/null || die "clang++ is not installed (scripts/install-deps.sh installs clang)"
  if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
    cmake -S "$REPO_DIR" -B "$BUILD_DIR" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DUITGO_BUILD_FUZZ=ON >/dev/null
  fi
  ninja -C "$BUILD_DIR" -j"${FUZZ_JOBS:-$(nproc)}"
}

targets() {
  local names
  if [[ -n "${FUZZ_TARGETS:-}" ]]; then
    read -ra names <<<"$FUZZ_TARGETS"
    printf '%s\n' "${names[@]}"
  else
    find "$REPO_DIR/fuzz/corpus" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort
  fi
}

# fuzz_one TARGET LOG: fuzzes TARGET for SECONDS_PER_TARGET; libFuzzer's output goes to LOG.
fuzz_one() {
  local target=$1 log=$2 dict=()
  [[ -f "$REPO_DIR/fuzz/dict/$target.dict" ]] && dict=(-dict="$REPO_DIR/fuzz/dict/$target.dict")
  mkdir -p "$BUILD_DIR/corpus/$target" "$CRASH_DIR"
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: libFuzzer's default, stated.
  # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
  "$BUILD_DIR/fuzz/$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$CRASH_DIR/$target-" "${dict[@]}" ${FUZZ_ARGS:-} \
    "$BUILD_DIR/corpus/$target" "$REPO_DIR/fuzz/corpus/$target" >"$log" 2>&1
}

# summarize TARGET LOG STATUS: one line of the table.
summarize() {
  local target=$1 log=$2 status=$3 execs rate cov ft artifact
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
  if [[ "$status" -eq 0 ]]; then
    artifact="-"
  elif [[ -z "$artifact" ]]; then
    artifact="exit $status, see $log"
  fi
  printf '%-14s %8s %12s %8s %6s %7s  %s\n' "$target" "$SECONDS_PER_TARGET" "${execs:-?}" "${rate:-?}" \
    "${cov:-?}" "${ft:-?}" "$artifact"
}

run() {
  build
  local target log status failed=0 table=()
  mkdir -p "$BUILD_DIR/logs"
  for target in $(targets); do
    [[ -x "$BUILD_DIR/fuzz/$target" ]] || die "no fuzz target $target in $BUILD_DIR/fuzz"
    log="$BUILD_DIR/logs/$target.log"
    say "$target: ${SECONDS_PER_TARGET}s (log: $log)"
    status=0
    fuzz_one "$target" "$log" || status=$?
    [[ "$status" -eq 0 ]] || failed=1
    table+=("$(summarize "$target" "$log" "$status")")
  done
  printf '%-14s %8s %12s %8s %6s %7s  %s\n' target seconds executions exec/s cov ft crash
  printf '%s\n' "${table[@]}"
  return "$failed"
}

case ${1:-} in
  build) build ;;
  run) run ;;
  *) die "usage: scripts/fuzz.sh build|run" ;;
esac
