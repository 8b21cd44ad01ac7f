#!/usr/bin/env bash
# Static checks of deploy/terraform (no terraform binary needed): installs the pinned npm packages
# of tests/infra when node_modules is missing or older than the lockfile, then runs check.js.
# Usage: tests/infra/check-terraform.sh BINARY   (BINARY: the built uitgo, for `<service> --help`)
set -euo pipefail

readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO=$(cd "$HERE/../.." && pwd)

die() {
  printf 'check-terraform: %s\n' "$*" >&2
  exit 2
}

[[ $# -eq 1 ]] || die "usage: tests/infra/check-terraform.sh PATH/TO/uitgo"
binary=$1
[[ -x "$binary" ]] || die "$binary is not an executable uitgo binary (build it first)"
command -v node >/dev/null || die "node is not installed (Debian: apt-get install nodejs npm)"
command -v npm >/dev/null || die "npm is not installed (Debian: apt-get install npm)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
((node_major >= 18)) || die "node $(node --version) is too old: the checks need Node 18 or newer (20 preferred)"

# npm ci rewrites node_modules/.package-lock.json; a lockfile or manifest newer than it means
# the installed tree is stale.
stamp=$HERE/node_modules/.package-lock.json
if [[ ! -f "$stamp" || "$HERE/package-lock.json" -nt "$stamp" || "$HERE/package.json" -nt "$stamp" ]]; then
  npm ci --prefix "$HERE" --no-audit --no-fund --loglevel=error >/dev/null ||
    die "npm ci --prefix $HERE failed (it needs the npm registry once)"
fi

exec node "$HERE/check.js" --binary "$binary" --base "$REPO" --root "$REPO/deploy/terraform"
