#!/usr/bin/env bash
# Installs the Debian 12 packages UIT-Go needs to build, test and run locally;
# with --bench also those of `make bench-compare` (jq, gnuplot), with
# --containers those of the container image and compose.yaml (podman, runc,
# mmdebstrap, podman-compose).
#
# Idempotent: asks dpkg which packages are missing and only then runs
# `apt-get update` + `apt-get install`, so a second run costs ~0.1 s and needs
# no network. Uses sudo when not root.
#
# Installing postgresql-15 / redis-server / nginx-light may make Debian's
# postinst start a default cluster (5432), redis (6379) or nginx (80).
# scripts/stack.sh never uses those: it runs its own servers on other ports.
set -euo pipefail

readonly PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git curl ca-certificates
  procps iproute2
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libpq-dev libhiredis-dev libspdlog-dev libfmt-dev libsodium-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # clang with libFuzzer and the sanitizer runtimes: the fuzz tree (scripts/fuzz.sh)
  clang libclang-rt-14-dev
  postgresql-15 postgresql-client-15 redis-server nginx-light wrk
  # Prometheus and promtool: the monitoring tests (tests/integration/monitoring)
  prometheus
)
# Only for `make bench-compare` (scripts/install-deps.sh --bench): JSON and charts.
readonly BENCH_PACKAGES=(jq gnuplot-nox)
# Only for the container image and compose.yaml (--containers): scripts/container-image.sh,
# scripts/compose.sh, make test-containers.
# dnsname: service names resolve on compose networks (podman 4.3 with CNI).
readonly CONTAINER_PACKAGES=(podman runc mmdebstrap podman-compose golang-github-containernetworking-plugin-dnsname)
WANTED=("${PACKAGES[@]}")

log() { printf 'install-deps: %s\n' "$*" >&2; }

# Prints the packages of PACKAGES that are not fully installed.
missing_packages() {
  local pkg status
  for pkg in "${WANTED[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != "installed" ]]; then
      printf '%s\n' "$pkg"
    fi
  done
}

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    # `env` inside sudo: passing VAR=value to sudo itself needs sudoers setenv.
    sudo env DEBIAN_FRONTEND=noninteractive "$@"
  else
    log "need root to install packages and sudo is not available; run as root: $*"
    return 1
  fi
}

main() {
  if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    log "this script supports Debian/Ubuntu (apt) only"
    return 1
  fi

  case ${1:-} in
    "") ;;
    --bench) WANTED+=("${BENCH_PACKAGES[@]}") ;;
    --containers) WANTED+=("${CONTAINER_PACKAGES[@]}") ;;
    *)
      log "usage: scripts/install-deps.sh [--bench|--containers]"
      return 2
      ;;
  esac
  # Node.js runs the infrastructure checks (tests/infra), the SigV4 cross-check
  # (tests/aws4) and the SQS emulator (scripts/sqs, Node 20 or newer). A machine may have
  # it from elsewhere (e.g. a NodeSource package, which conflicts with
  # Debian's npm), so Debian's nodejs/npm are only wanted when none is found.
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    WANTED+=(nodejs npm)
  fi
  local missing
  mapfile -t missing < <(missing_packages)
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "all ${#WANTED[@]} packages are installed"
    return 0
  fi

  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -q
  as_root apt-get install -y -q --no-install-recommends "${missing[@]}"

  # Re-check: apt-get can succeed while leaving a package half-configured.
  mapfile -t missing < <(missing_packages)
  if [[ ${#missing[@]} -ne 0 ]]; then
    log "still missing after install: ${missing[*]}"
    return 1
  fi
  log "done"
}

main "$@"
