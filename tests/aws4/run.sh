#!/usr/bin/env bash
# The SigV4 cross-check against npm aws4: installs the pinned packages of
# tests/aws4 into MODULES_DIR when missing or older than the lockfile (npm ci,
# once; it needs the npm registry then), then runs crosscheck.mjs.
# Usage: tests/aws4/run.sh PATH/TO/aws4_sign_cli MODULES_DIR
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE

die() {
  printf 'aws4-crosscheck: %s\n' "$*" >&2
  exit 2
}

[[ $# -eq 2 ]] || die "usage: tests/aws4/run.sh PATH/TO/aws4_sign_cli MODULES_DIR"
cli=$1
modules=$2
[[ -x "$cli" ]] || die "$cli is not executable (build it first)"
command -v node >/dev/null || die "node is not installed (Debian: apt-get install nodejs npm)"
command -v npm >/dev/null || die "npm is not installed (Debian: apt-get install npm)"

mkdir -p "$modules"
stamp=$modules/node_modules/.package-lock.json
if [[ ! -f "$stamp" || "$HERE/package-lock.json" -nt "$stamp" || "$HERE/package.json" -nt "$stamp" ]]; then
  cp "$HERE/package.json" "$HERE/package-lock.json" "$modules/"
  npm ci --prefix "$modules" --no-audit --no-fund --loglevel=error >/dev/null ||
    die "npm ci --prefix $modules failed (it needs the npm registry once)"
fi

exec node "$HERE/crosscheck.mjs" --cli "$cli" --modules "$modules"
