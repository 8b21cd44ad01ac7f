#!/usr/bin/env bash
# Entry point of the uitgo-infra image (deploy/containers/infra.Dockerfile):
# starts one server in the foreground as its own unprivileged account, set up
# the way scripts/stack.sh sets up the local one.
#
# usage: infra-entrypoint ROLE [ARG...]
#   postgres     primary: a cluster in /var/lib/uitgo/pg (created on first
#                start), WAL for a streaming replica, the databases user_db,
#                trip_db, driver_db owned by POSTGRES_USER
#   replica      hot standby cloned from PRIMARY_HOST with pg_basebackup and
#                a replication slot (cloned again when its data is missing)
#   redis        Redis with an append-only file in /var/lib/uitgo/redis
#   gateway      nginx from /etc/uitgo/gateway.conf.template (the repository's
#                deploy/nginx/gateway.conf.template), upstreams from
#                USER_UPSTREAMS / TRIP_UPSTREAMS / DRIVER_UPSTREAMS (host:port lists)
#   prometheus   prometheus with /etc/uitgo/prometheus.yml; ARGs are added
#
# environment: POSTGRES_USER (uitgo), POSTGRES_PASSWORD (required for postgres
# and replica; comes from an env file, never a command line), PRIMARY_HOST
# (postgres), REPLICA_SLOT (uitgo_replica), GATEWAY_PORT (8080), AUTH_RATE
# (10r/s), AUTH_BURST (20), CONN_LIMIT (1000), TRUSTED_PROXIES (unset: the
# gateway's own peers are the clients)
set -euo pipefail

readonly PG_BIN=/usr/lib/postgresql/15/bin
readonly PG_DATA=/var/lib/uitgo/pg
readonly PG_USER=${POSTGRES_USER:-uitgo}
readonly DATABASES=(user_db trip_db driver_db)

log() { printf 'infra-entrypoint: %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 1
}

as_postgres() { (cd / && runuser -u postgres -- "$@"); }

require_password() {
  [[ -n "${POSTGRES_PASSWORD:-}" ]] || die "POSTGRES_PASSWORD is not set"
}

prepare_pg_dir() {
  mkdir -p "$PG_DATA"
  chown postgres: "$PG_DATA"
  chmod 700 "$PG_DATA"
}

pg_settings() {
  cat <<CONF
# ---- UIT-Go (infra-entrypoint): reachable on the compose network, SCRAM passwords
listen_addresses = '*'
unix_socket_directories = '/tmp'
max_connections = 200
password_encryption = 'scram-sha-256'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
hot_standby_feedback = on
timezone = 'UTC'
log_timezone = 'UTC'
CONF
}

# psql on the primary's Unix socket (during setup nothing else can connect).
local_sql() {
  as_postgres env PGPASSWORD="$POSTGRES_PASSWORD" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h /tmp -U "$PG_USER" \
    -d postgres "$@"
}

postgres_primary() {
  require_password
  prepare_pg_dir
  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    local pwfile
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    chown postgres: "$pwfile"
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_USER" --pwfile="$pwfile" -A scram-sha-256 -E UTF8 \
      --locale=C.UTF-8 --no-instructions >/dev/null
    rm -f "$pwfile"
    pg_settings | as_postgres tee -a "$PG_DATA/postgresql.conf" >/dev/null
    printf '%s\n' 'local all all scram-sha-256' \
      'host all all 0.0.0.0/0 scram-sha-256' 'host all all ::/0 scram-sha-256' \
      'host replication all 0.0.0.0/0 scram-sha-256' 'host replication all ::/0 scram-sha-256' |
      as_postgres tee "$PG_DATA/pg_hba.conf" >/dev/null
    log "postgres: cluster created"
  fi
  # The databases, created while only this container can connect (Unix socket).
  as_postgres "$PG_BIN/pg_ctl" start -D "$PG_DATA" -w -s -o "-c listen_addresses=''" >/dev/null
  local db
  for db in "${DATABASES[@]}"; do
    if [[ $(local_sql -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'") != 1 ]]; then
      local_sql -c "CREATE DATABASE $db OWNER $PG_USER"
    fi
  done
  as_postgres "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -w -s -m fast
  log "postgres: starting"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$PG_BIN/postgres" -D "$PG_DATA"
}

postgres_replica() {
  require_password
  local primary=${PRIMARY_HOST:?PRIMARY_HOST is not set} slot=${REPLICA_SLOT:-uitgo_replica}
  prepare_pg_dir
  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    log "replica: waiting for the primary at $primary"
    until "$PG_BIN/pg_isready" -q -h "$primary" -p 5432 -t 2; do sleep 1; done
    # A slot left by an earlier replica whose data is gone would keep WAL for nobody.
    PGPASSWORD=$POSTGRES_PASSWORD "$PG_BIN/psql" -X -q -h "$primary" -U "$PG_USER" -d postgres -tAc \
      "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
        WHERE slot_name = '$slot' AND NOT active" >/dev/null
    log "replica: cloning the primary (slot $slot)"
    as_postgres env PGPASSWORD="$POSTGRES_PASSWORD" "$PG_BIN/pg_basebackup" -h "$primary" -p 5432 \
      -U "$PG_USER" -D "$PG_DATA" -R -X stream -C -S "$slot" -c fast
  fi
  log "replica: starting hot standby"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$PG_BIN/postgres" -D "$PG_DATA"
}

redis() {
  mkdir -p /var/lib/uitgo/redis
  chown redis: /var/lib/uitgo/redis
  # The match queue lives here: AOF fsynced every second, as the local stack
  # (docs/RELIABILITY.md). Only the compose network reaches it.
  exec setpriv --reuid=redis --regid=redis --init-groups redis-server --bind 0.0.0.0 --port 6379 --protected-mode no \
    --save '' --appendonly yes --appendfsync everysec --dir /var/lib/uitgo/redis --daemonize no
}

# "server a:1 max_fails=1 fail_timeout=2s; server b:2 ...;" from "a:1 b:2".
upstream_servers() {
  local addr out=""
  for addr in $1; do
    [[ "$addr" =~ ^[A-Za-z0-9.:_-]+:[0-9]+$ ]] || die "gateway: bad upstream address '$addr' (want host:port)"
    out+="server $addr max_fails=1 fail_timeout=2s; "
  done
  echo "$out"
}

# nginx realip lines for TRUSTED_PROXIES (comma-separated addresses or CIDRs),
# joined by a literal \n for sed, as scripts/stack/nginx.sh renders them.
real_ip_directives() {
  local proxy out=""
  [[ -n "${TRUSTED_PROXIES:-}" ]] || return 0
  for proxy in ${TRUSTED_PROXIES//,/ }; do
    [[ "$proxy" =~ ^[0-9A-Fa-f.:]+(/[0-9]+)?$ ]] || die "gateway: TRUSTED_PROXIES: '$proxy' is not an address or CIDR"
    out+="  set_real_ip_from $proxy;\\n"
  done
  printf '%s' "$out  real_ip_header X-Forwarded-For;\\n  real_ip_recursive on;"
}

gateway() {
  local template=/etc/uitgo/gateway.conf.template dir=/var/lib/uitgo/gateway conf
  [[ -r "$template" ]] || die "gateway: $template is missing (mount deploy/nginx/gateway.conf.template)"
  mkdir -p "$dir/pids" "$dir/nginx/tmp" "$dir/logs"
  # Logs to the container's output.
  ln -sf /dev/stdout "$dir/logs/nginx-access.log"
  ln -sf /dev/stderr "$dir/logs/nginx-error.log"
  conf=$dir/nginx/nginx.conf
  # As scripts/stack/nginx.sh renders it, except: nginx stays in the
  # foreground, and listens on every address of the container.
  sed -e 's|^daemon on;$|daemon off;|' \
    -e 's|listen 127.0.0.1:@GATEWAY_PORT@;|listen @GATEWAY_PORT@;|' \
    -e 's|@USER_DIRECTIVE@|user nobody nogroup;|g' \
    -e 's|@WORKER_PROCESSES@|auto|g' \
    -e "s|@RUN_DIR@|$dir|g" \
    -e "s|@LOG_DIR@|$dir/logs|g" \
    -e "s|@GATEWAY_PORT@|${GATEWAY_PORT:-8080}|g" \
    -e "s|@AUTH_RATE@|${AUTH_RATE:-10r/s}|g" \
    -e "s|@AUTH_BURST@|${AUTH_BURST:-20}|g" \
    -e "s|@CONN_LIMIT@|${CONN_LIMIT:-1000}|g" \
    -e "s|@REAL_IP@|$(real_ip_directives)|g" \
    -e "s|@USER_SERVERS@|$(upstream_servers "${USER_UPSTREAMS:?}")|g" \
    -e "s|@TRIP_SERVERS@|$(upstream_servers "${TRIP_UPSTREAMS:?}")|g" \
    -e "s|@DRIVER_SERVERS@|$(upstream_servers "${DRIVER_UPSTREAMS:?}")|g" \
    -e 's|@CORS_ORIGINS@||g' \
    "$template" >"$conf"
  if grep -q '@[A-Z_]*@' "$conf"; then die "gateway: unrendered placeholder $(grep -o '@[A-Z_]*@' "$conf" | head -1)"; fi
  grep -q '^daemon off;$' "$conf" || die "gateway: the template no longer says 'daemon on;'"
  nginx -t -q -p "$dir/nginx/" -c "$conf"
  exec nginx -p "$dir/nginx/" -c "$conf"
}

prometheus_server() {
  mkdir -p /var/lib/uitgo/prometheus
  chown prometheus: /var/lib/uitgo/prometheus
  exec setpriv --reuid=prometheus --regid=prometheus --init-groups prometheus --config.file=/etc/uitgo/prometheus.yml \
    --storage.tsdb.path=/var/lib/uitgo/prometheus --web.listen-address=0.0.0.0:9090 "$@"
}

main() {
  local role=${1:-}
  shift || true
  case $role in
    postgres) postgres_primary ;;
    replica) postgres_replica ;;
    redis) redis ;;
    gateway) gateway ;;
    prometheus) prometheus_server "$@" ;;
    *) die "usage: infra-entrypoint postgres|replica|redis|gateway|prometheus [ARG...]" ;;
  esac
}

main "$@"
