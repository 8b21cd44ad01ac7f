#!/usr/bin/env bash
# Builds UIT-Go's container images with podman, without any registry:
#   uitgo        the services (Dockerfile at the repository root)
#   uitgo-infra  PostgreSQL, Redis, nginx and Prometheus from Debian's packages
#                (deploy/containers/infra.Dockerfile), for compose.yaml
# The Debian base images both Dockerfiles start from (debian:bookworm and
# debian:bookworm-slim) are made once with mmdebstrap and `podman import`
# when podman does not have them.
#
# usage: scripts/container-image.sh [base|app|infra|all]   (default all)
#
# environment (defaults)
#   UITGO_IMAGE=localhost/uitgo:latest
#   UITGO_INFRA_IMAGE=localhost/uitgo-infra:latest
#   UITGO_IMAGE_CCACHE=<ccache's cache dir>   a ccache folder lent to the build
#                        stage (podman build --volume), so objects compiled on
#                        this machine are reused; empty: build without it
#   UITGO_IMAGE_BINARY   a uitgo binary built outside for Debian 12 (e.g.
#                        build/uitgo of `make build`): the image takes it
#                        (debug info stripped) instead of compiling in the
#                        build stage; minutes faster, for tests and trials
#   CONTAINERS_CONF=<repo>/deploy/containers/containers.conf
# Prints how long each step took.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly APP_IMAGE=${UITGO_IMAGE:-localhost/uitgo:latest}
readonly INFRA_IMAGE=${UITGO_INFRA_IMAGE:-localhost/uitgo-infra:latest}
readonly BASE_IMAGES=(docker.io/library/debian:bookworm-slim docker.io/library/debian:bookworm)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$REPO_DIR/deploy/containers/containers.conf}

# The folder ccache uses on this machine, when there is one.
default_ccache_dir() {
  local dir
  command -v ccache >/dev/null || return 0
  dir=$(ccache -k cache_dir 2>/dev/null || true)
  if [[ -n "$dir" && -d "$dir" ]]; then echo "$dir"; fi
}

timed() {
  local what=$1 start=$SECONDS
  shift
  "$@"
  say "$what took $((SECONDS - start)) s"
}

# debian:bookworm-slim from Debian's packages (mmdebstrap, minbase), also
# tagged debian:bookworm: the build stage installs its compilers itself.
make_base() {
  local image missing=false tar
  for image in "${BASE_IMAGES[@]}"; do
    podman image exists "$image" || missing=true
  done
  if [[ $missing == false ]]; then
    say "base images present (${BASE_IMAGES[*]})"
    return 0
  fi
  require_tools --hint "scripts/install-deps.sh --containers" mmdebstrap
  tar=$(mktemp /tmp/uitgo-bookworm.XXXXXX.tar)
  # shellcheck disable=SC2064 # the path is fixed now
  trap "rm -f '$tar'" EXIT
  say "making the Debian 12 base image with mmdebstrap (a few minutes)"
  mmdebstrap --quiet --variant=minbase bookworm "$tar"
  podman import --quiet "$tar" "${BASE_IMAGES[0]}" >/dev/null
  podman tag "${BASE_IMAGES[0]}" "${BASE_IMAGES[1]}"
  rm -f "$tar"
  trap - EXIT
}

# The Dockerfile's runtime stage plus UITGO_IMAGE_BINARY (debug info stripped)
# as $APP_IMAGE: the build stage is not run.
build_app_from_binary() {
  local context
  [[ -x "$UITGO_IMAGE_BINARY" ]] || die "UITGO_IMAGE_BINARY=$UITGO_IMAGE_BINARY is not an executable"
  say "building $APP_IMAGE with $UITGO_IMAGE_BINARY (no compilation)"
  podman build --network host --format docker --target runtime -f "$REPO_DIR/Dockerfile" \
    -t localhost/uitgo-runtime:latest "$REPO_DIR"
  context=$(mktemp -d /tmp/uitgo-binary.XXXXXX)
  objcopy --strip-debug "$UITGO_IMAGE_BINARY" "$context/uitgo"
  printf 'FROM localhost/uitgo-runtime:latest\nCOPY uitgo /usr/local/bin/uitgo\n' >"$context/Dockerfile"
  podman build --format docker -t "$APP_IMAGE" "$context"
  rm -rf "$context"
}

build_app() {
  local ccache_dir=${UITGO_IMAGE_CCACHE-$(default_ccache_dir)}
  # Docker format: OCI images have no HEALTHCHECK.
  local -a args=(--network host --format docker -f "$REPO_DIR/Dockerfile" -t "$APP_IMAGE")
  if [[ -n "${UITGO_IMAGE_BINARY:-}" ]]; then
    build_app_from_binary
    return
  fi
  if [[ -n "$ccache_dir" ]]; then
    args+=(--volume "$ccache_dir:/ccache" --build-arg "SRC_DIR=$REPO_DIR"
      --build-arg "CCACHE_BASEDIR=$(ccache -k base_dir 2>/dev/null || true)"
      --build-arg "CCACHE_NOHASHDIR=$([[ $(ccache -k hash_dir 2>/dev/null) == false ]] && echo 1)")
    say "building $APP_IMAGE (ccache: $ccache_dir)"
  else
    say "building $APP_IMAGE (no ccache: compiles everything)"
  fi
  podman build "${args[@]}" "$REPO_DIR"
}

build_infra() {
  say "building $INFRA_IMAGE"
  podman build --network host --format docker -f "$REPO_DIR/deploy/containers/infra.Dockerfile" -t "$INFRA_IMAGE" \
    "$REPO_DIR/deploy/containers"
}

main() {
  local what=${1:-all}
  require_tools --hint "scripts/install-deps.sh --containers" podman
  case $what in
    base) timed "base image" make_base ;;
    app)
      timed "base image" make_base
      timed "image $APP_IMAGE" build_app
      ;;
    infra)
      timed "base image" make_base
      timed "image $INFRA_IMAGE" build_infra
      ;;
    all)
      timed "base image" make_base
      timed "image $APP_IMAGE" build_app
      timed "image $INFRA_IMAGE" build_infra
      ;;
    *) die "usage: scripts/container-image.sh [base|app|infra|all]" ;;
  esac
}

main "$@"
