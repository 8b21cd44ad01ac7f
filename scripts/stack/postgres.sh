# shellcheck shell=bash
# postgres.sh - the PostgreSQL primary (cluster creation, databases) and its
# streaming replica (pg_basebackup clone, replication slot), started and
# stopped with pg_ctl.

readonly DATABASES=(user_db trip_db driver_db)
readonly REPLICA_SLOT=uitgo_replica
readonly PG_SERVICE_ACCOUNT=postgres # OS user that runs PostgreSQL when we are root

dsn() {
  local port=$1 db=$2
  echo "host=127.0.0.1 port=$port user=$PG_USER password=$PG_PASSWORD dbname=$db"
}

pg_bindir() {
  local dir
  dir=$(pg_config --bindir 2>/dev/null || true)
  if [[ -z "$dir" || ! -x "$dir/initdb" ]]; then
    dir=/usr/lib/postgresql/15/bin
  fi
  [[ -x "$dir/initdb" ]] || die "PostgreSQL 15 server binaries not found (run make deps)"
  echo "$dir"
}

# Runs a PostgreSQL server program as the account that owns the data: the
# postgres OS user when we are root (initdb and postgres refuse to run as
# root), ourselves otherwise.
# From / because initdb and postgres fail when they cannot identify the
# current directory (e.g. called from root's private home); all paths are absolute.
as_pg() {
  if is_root; then
    (cd / && runuser -u "$PG_SERVICE_ACCOUNT" -- "$@")
  else
    "$@"
  fi
}

# psql as superuser over TCP (clients need no special OS user).
pg_psql() {
  local port=$1
  shift
  PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=5 "$(pg_bindir)/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$port" -U "$PG_USER" "$@"
}

# ---------------------------------------------------------------- data folders

# Where the clusters live (does not create anything). Normally $RUN_DIR/pg;
# when root and the postgres user cannot reach the run dir (e.g. a mkdtemp
# folder, or a checkout under a private home), a folder under /tmp whose path
# is recorded in $RUN_DIR/pg.location.
pg_root() {
  local recorded
  if [[ -r "$RUN_DIR/pg.location" ]]; then
    read -r recorded <"$RUN_DIR/pg.location" || true
    if [[ -n "$recorded" ]]; then
      echo "$recorded"
      return
    fi
  fi
  echo "$RUN_DIR/pg"
}

# Like pg_root, but creates the folder, owned by the account running postgres.
# We never loosen permissions of parent folders we do not own.
ensure_pg_root() {
  local root
  root=$(pg_root)
  if [[ -d "$root" ]]; then
    echo "$root"
    return
  fi
  if ! is_root; then
    mkdir -m 700 "$root"
    echo "$root"
    return
  fi
  id "$PG_SERVICE_ACCOUNT" >/dev/null 2>&1 ||
    die "user '$PG_SERVICE_ACCOUNT' does not exist (is postgresql-15 installed? run make deps)"
  root="$RUN_DIR/pg"
  mkdir -m 700 "$root"
  chown "$PG_SERVICE_ACCOUNT:" "$root"
  if ! runuser -u "$PG_SERVICE_ACCOUNT" -- test -w "$root" 2>/dev/null; then
    rmdir "$root"
    root=$(mktemp -d /tmp/uitgo-pg.XXXXXX)
    chown "$PG_SERVICE_ACCOUNT:" "$root"
    echo "$root" >"$RUN_DIR/pg.location"
    info "postgres cannot reach $RUN_DIR; its data lives in $root"
  fi
  echo "$root"
}

# Deletes a data folder outside the run dir (for purge); only ever a recorded
# folder that looks like one we created.
remove_pg_root_outside() {
  local root
  root=$(pg_root)
  if [[ "$root" == /tmp/uitgo-pg.* && -d "$root" ]]; then rm -rf "$root"; fi
}

pg_data_dir() {
  case $1 in
    postgres) echo "$(pg_root)/primary" ;;
    replica) echo "$(pg_root)/replica" ;;
  esac
}

# Appends text to a file inside the cluster, keeping it owned by its account.
pg_append() {
  local file=$1 text=$2
  printf '%s\n' "$text" | as_pg tee -a "$file" >/dev/null
}

# ---------------------------------------------------------------- pg_ctl

# PID of a running postmaster, from its own postmaster.pid (the truth), which
# is mirrored to $PID_DIR for the harness and `status`.
pg_pid() {
  local component=$1 data pid
  data=$(pg_data_dir "$component")
  if pid=$(read_pid_file "$data/postmaster.pid") && alive_as "$pid" postgres; then
    [[ -d "$PID_DIR" ]] && echo "$pid" >"$(pid_file "$component")"
    echo "$pid"
    return 0
  fi
  rm -f "$(pid_file "$component")"
  return 1
}

wait_pg_ready() {
  local component=$1 port=$2 log=$3 deadline
  deadline=$((SECONDS + START_TIMEOUT))
  until "$(pg_bindir)/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1; do
    pg_pid "$component" >/dev/null || fail_start "$component" "$log" "server exited during startup"
    ((SECONDS < deadline)) ||
      fail_start "$component" "$log" "not accepting connections on 127.0.0.1:$port after ${START_TIMEOUT}s"
    sleep 0.1
  done
}

# pg_ctl start: the postmaster's output goes to pg_ctl's stdout, i.e. our log
# (opened by us, so the postgres user needs no access to $LOG_DIR); pg_ctl
# puts the postmaster in its own session.
pg_ctl_start() {
  local component=$1 data=$2 port=$3 log=$4
  check_port_free "$component" "$port"
  if ! as_pg "$(pg_bindir)/pg_ctl" start -D "$data" -o "-p $port" -w -t "$START_TIMEOUT" -s \
    </dev/null >>"$log" 2>&1 9>&-; then
    fail_start "$component" "$log" "pg_ctl start failed"
  fi
  wait_pg_ready "$component" "$port" "$log"
  pg_pid "$component" >/dev/null || fail_start "$component" "$log" "no postmaster.pid after start"
}

pg_ctl_stop() {
  local component=$1 pid
  pid=$(pg_pid "$component") || return 0
  # SIGTERM is PostgreSQL's "smart" shutdown, which waits for every client to
  # disconnect: use SIGINT (fast), then SIGQUIT (immediate), then SIGKILL.
  terminate "$pid" INT QUIT
  rm -f "$(pid_file "$component")"
}

# ---------------------------------------------------------------- primary

init_primary() {
  local data=$1 log=$2 pwfile
  pwfile="$(dirname "$data")/.pwfile"
  info "postgres: creating cluster in $data"
  (umask 077 && printf '%s\n' "$PG_PASSWORD" >"$pwfile")
  if is_root; then chown "$PG_SERVICE_ACCOUNT:" "$pwfile"; fi
  # --no-sync: a local cluster, recreated in a second if a crash ever hit the
  # window before the OS flushes; saves most of initdb's time.
  if ! as_pg "$(pg_bindir)/initdb" -D "$data" -U "$PG_USER" --pwfile="$pwfile" \
    -A scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-instructions --no-sync >>"$log" 2>&1; then
    rm -f "$pwfile"
    as_pg rm -rf "$data"
    fail_start postgres "$log" "initdb failed"
  fi
  rm -f "$pwfile"
  configure_primary "$data"
}

configure_primary() {
  local data=$1
  # TCP on loopback only; no Unix socket (no /var/run/postgresql needed, and
  # nothing collides with Debian's default cluster).
  pg_append "$data/postgresql.conf" "
# ---- UIT-Go local settings (scripts/stack.sh); the port comes from the command line
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 200
password_encryption = 'scram-sha-256'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
hot_standby_feedback = on
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
# Per-statement counts and times (SELECT * FROM pg_stat_statements) for the
# benchmarks' profiles; the cost is a hash lookup per statement.
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
# PostgreSQL's own page cache (UITGO_PG_SHARED_BUFFERS, default 128MB).
shared_buffers = '${UITGO_PG_SHARED_BUFFERS:-128MB}'"
  # Replace the generated pg_hba.conf: password (SCRAM) auth on 127.0.0.1
  # only, for normal and replication connections.
  printf '%s\n' \
    '# UIT-Go (scripts/stack.sh): loopback TCP only, SCRAM passwords' \
    'host all         all 127.0.0.1/32 scram-sha-256' \
    'host replication all 127.0.0.1/32 scram-sha-256' |
    as_pg tee "$data/pg_hba.conf" >/dev/null
}

# Creates the databases that do not exist yet; drops a replica slot left
# behind by a replica whose data is gone (it would make the primary keep WAL
# forever).
pg_provision() {
  local dbs
  dbs=$(printf "'%s'," "${DATABASES[@]}")
  dbs=${dbs%,}
  pg_psql "$PG_PORT" -d postgres <<SQL
SELECT format('CREATE DATABASE %I OWNER %I', d, '$PG_USER')
  FROM unnest(ARRAY[$dbs]) AS d
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d)
\\gexec
SQL
  if [[ ! -d "$(pg_data_dir replica)" ]]; then
    drop_replica_slot
  fi
}

start_postgres() {
  local log data
  already_running postgres && return 0
  log=$(log_file postgres)
  ensure_pg_root >/dev/null
  log_marker postgres
  data=$(pg_data_dir postgres)
  [[ -f "$data/PG_VERSION" ]] || init_primary "$data" "$log"
  info "postgres: starting on 127.0.0.1:$PG_PORT"
  pg_ctl_start postgres "$data" "$PG_PORT" "$log"
  pg_provision || fail_start postgres "$log" "could not create the databases"
}

# ---------------------------------------------------------------- replica

drop_replica_slot() {
  local i
  # The walsender of a just-stopped replica may hold the slot for a moment.
  for i in {1..50}; do
    if pg_psql "$PG_PORT" -d postgres -tA >/dev/null 2>&1 <<SQL; then
SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
 WHERE slot_name = '$REPLICA_SLOT' AND NOT active;
DO \$\$BEGIN
  IF EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '$REPLICA_SLOT') THEN
    RAISE EXCEPTION 'slot still active';
  END IF;
END\$\$;
SQL
      return 0
    fi
    ((i % 10 == 0)) && info "replica: waiting for slot $REPLICA_SLOT to become inactive"
    sleep 0.1
  done
  warn "could not drop replication slot $REPLICA_SLOT on the primary"
}

# A fresh copy of the running primary in DATA, with its replication slot.
clone_primary() {
  local data=$1 log=$2
  pg_pid postgres >/dev/null || die "replica: the primary (postgres) is not running"
  as_pg rm -rf "$data"
  drop_replica_slot
  info "replica: cloning the primary with pg_basebackup (slot $REPLICA_SLOT)"
  # -R writes primary_conninfo (with the password) + standby.signal,
  # -C -S creates the physical slot so the primary keeps WAL for us.
  if ! as_pg env PGPASSWORD="$PG_PASSWORD" "$(pg_bindir)/pg_basebackup" \
    -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -D "$data" \
    -R -X stream -C -S "$REPLICA_SLOT" -c fast --no-sync </dev/null >>"$log" 2>&1 9>&-; then
    as_pg rm -rf "$data"
    fail_start replica "$log" "pg_basebackup failed"
  fi
}

start_replica() {
  local log data
  already_running replica && return 0
  log=$(log_file replica)
  log_marker replica
  data=$(pg_data_dir replica)
  [[ -f "$data/PG_VERSION" ]] || clone_primary "$data" "$log"
  info "replica: starting hot standby on 127.0.0.1:$PG_REPLICA_PORT"
  pg_ctl_start replica "$data" "$PG_REPLICA_PORT" "$log"
}

# Gone for good: drop the slot (else the primary retains WAL without bound)
# and the data (useless without the slot; the next `up` clones afresh).
down_replica() {
  local data
  pg_ctl_stop replica
  data=$(pg_data_dir replica)
  if pg_pid postgres >/dev/null; then
    drop_replica_slot
  fi
  # Without a running primary the slot is dropped at the primary's next start
  # (pg_provision), because this folder no longer exists.
  if [[ -d "$data" ]]; then as_pg rm -rf "$data"; fi
}
