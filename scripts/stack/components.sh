# shellcheck shell=bash
# components.sh - the components of the stack (with the configured extra
# service instances), their ports and pids, the selection of components by
# name with their dependencies, and start / stop / down of one component.

# Start order; stop order is the reverse. Extra instances follow their first
# one (see build_component_lists).
readonly BASE_SERVICES=(user-service driver-service trip-service)
ALL_COMPONENTS=()
SERVICES=()

# trip-service-2 -> trip-service (the subcommand an instance runs).
base_service() { echo "${1%-[0-9]*}"; }

extra_ports_of() {
  case $1 in
    user-service) echo "$USER_EXTRA_PORTS" ;;
    trip-service) echo "$TRIP_EXTRA_PORTS" ;;
    driver-service) echo "$DRIVER_EXTRA_PORTS" ;;
  esac
}

port_of() {
  case $1 in
    postgres) echo "$PG_PORT" ;;
    replica) echo "$PG_REPLICA_PORT" ;;
    redis) echo "$REDIS_PORT" ;;
    sqs) echo "$SQS_PORT" ;;
    user-service) echo "$USER_PORT" ;;
    trip-service) echo "$TRIP_PORT" ;;
    driver-service) echo "$DRIVER_PORT" ;;
    nginx) echo "$GATEWAY_PORT" ;;
    *-service-[0-9]*)
      local -a extra
      read -r -a extra <<<"$(extra_ports_of "$(base_service "$1")")"
      echo "${extra[${1##*-} - 2]}"
      ;;
  esac
}

# ALL_COMPONENTS and SERVICES with every configured service instance.
build_component_lists() {
  local service port n
  local -a extra
  ALL_COMPONENTS=(postgres replica redis sqs)
  SERVICES=()
  for service in "${BASE_SERVICES[@]}"; do
    SERVICES+=("$service")
    read -r -a extra <<<"$(extra_ports_of "$service")"
    n=2
    for port in "${extra[@]}"; do
      [[ "$port" =~ ^[0-9]+$ ]] || die "$service: bad extra port '$port' (want numbers separated by spaces)"
      SERVICES+=("$service-$n")
      n=$((n + 1))
    done
  done
  ALL_COMPONENTS+=("${SERVICES[@]}" nginx)
}

# host:port of every local instance of a service (the gateway's default upstream).
local_upstreams() {
  local service=$1 c list=""
  for c in "${SERVICES[@]}"; do
    if [[ "$(base_service "$c")" == "$service" ]]; then list+="127.0.0.1:$(port_of "$c") "; fi
  done
  echo "${list% }"
}

# ---------------------------------------------------------------- selection

# Expands aliases and validates names into the global SELECTED, in start
# order, without duplicates. (A global rather than output: `die` inside a
# command substitution would only leave the subshell.) `all` leaves out the
# SQS emulator when STARTING and the services do not match through SQS.
SELECTED=()
STARTING=false
select_components() {
  local -A wanted=() known=()
  local name c
  for c in "${ALL_COMPONENTS[@]}"; do known[$c]=1; done
  for name in "$@"; do
    case $name in
      all)
        for c in "${ALL_COMPONENTS[@]}"; do
          if [[ $c == sqs && $STARTING == true ]] && ! sqs_wanted; then continue; fi
          wanted[$c]=1
        done
        ;;
      services) for c in "${SERVICES[@]}"; do wanted[$c]=1; done ;;
      *)
        [[ -n "${known[$name]:-}" ]] || die "unknown component '$name' (${ALL_COMPONENTS[*]} services all)"
        wanted[$name]=1
        ;;
    esac
  done
  SELECTED=()
  for c in "${ALL_COMPONENTS[@]}"; do
    if [[ -n "${wanted[$c]:-}" ]]; then SELECTED+=("$c"); fi
  done
}

# Like select_components, plus what each component needs to run (for `up`).
select_with_dependencies() {
  local c
  local -a out=()
  select_components "$@"
  for c in "${SELECTED[@]}"; do
    case $c in
      replica) out+=(postgres) ;;
      *-service*)
        out+=(postgres redis)
        if sqs_wanted; then out+=(sqs); fi
        ;;
    esac
    out+=("$c")
  done
  select_components "${out[@]}"
}

# ---------------------------------------------------------------- one component

# What the command line of a component's process contains (see alive_as).
process_name() {
  case $1 in
    redis) echo redis-server ;;
    sqs) echo emulator.mjs ;;
    nginx) echo nginx ;;
    *) base_service "$1" ;;
  esac
}

# PID of a running component: PostgreSQL's from its postmaster.pid, the
# others' from our pid file.
component_pid() {
  local component=$1 pid
  case $component in
    postgres | replica) pg_pid "$component" 2>/dev/null ;;
    *) pid=$(read_pid_file "$(pid_file "$component")") && alive_as "$pid" "$(process_name "$component")" &&
      echo "$pid" ;;
  esac
}

# True, with a message, when COMPONENT already runs (`up` leaves it alone).
already_running() {
  local component=$1 pid
  pid=$(component_pid "$component") || return 1
  info "$component: already running (pid $pid, port $(port_of "$component"))"
}

# True for the uitgo service processes (and their extra instances).
is_service() {
  case $1 in
    postgres | replica | redis | sqs | nginx) return 1 ;;
    *) return 0 ;;
  esac
}

start_component() {
  case $1 in
    postgres) start_postgres ;;
    replica) start_replica ;;
    redis) start_redis ;;
    sqs) start_sqs ;;
    nginx) start_nginx ;;
    *) launch_service "$1" ;; # await_services waits for it
  esac
}

# PostgreSQL through pg_ctl; the others with SIGTERM, which is a fast shutdown
# for each of them (nginx: SIGQUIT would wait for open WebSockets).
stop_component() {
  local component=$1 pid
  case $component in
    postgres | replica) pg_ctl_stop "$component" ;;
    *)
      if pid=$(component_pid "$component"); then terminate "$pid" TERM; fi
      rm -f "$(pid_file "$component")"
      if [[ $component == sqs ]]; then rm -f "$SQS_ENV_FILE"; fi
      ;;
  esac
}

down_component() {
  case $1 in
    replica) down_replica ;;
    *) stop_component "$1" ;;
  esac
}
