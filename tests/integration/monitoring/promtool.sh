#!/usr/bin/env bash
# The alert rules of DIR/alerts.yml: `promtool check rules` (syntax, PromQL,
# templates) and `promtool test rules DIR/alerts_test.yml` (each alert fires
# when it should and stays quiet when it should not); also the compose
# configuration DIR/prometheus.yml with `promtool check config`.
# usage: promtool.sh DIR
set -euo pipefail
dir=${1:?usage: promtool.sh DIR}
command -v promtool >/dev/null || {
  echo "promtool.sh: promtool is not installed (scripts/install-deps.sh installs prometheus)" >&2
  exit 1
}
cd "$dir"
promtool check rules alerts.yml
promtool test rules alerts_test.yml
# prometheus.yml names its rule file by its path inside the container.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|/etc/uitgo/alerts.yml|$dir/alerts.yml|" prometheus.yml >"$tmp/prometheus.yml"
promtool check config "$tmp/prometheus.yml"
