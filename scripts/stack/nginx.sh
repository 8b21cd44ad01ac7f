# shellcheck shell=bash
# nginx.sh - the gateway: nginx.conf rendered from
# deploy/nginx/gateway.conf.template into the run dir, then started there.

readonly NGINX_TEMPLATE="$REPO_DIR/deploy/nginx/gateway.conf.template"
readonly AUTH_RATE="${UITGO_AUTH_RATE:-10r/s}"
readonly AUTH_BURST="${UITGO_AUTH_BURST:-20}"
readonly NGINX_WORKERS="${UITGO_NGINX_WORKERS:-auto}"
# Requests in progress plus open WebSockets per client address.
readonly CONN_LIMIT="${UITGO_CONN_LIMIT:-1000}"
# Load balancers in front of the gateway (comma-separated addresses or CIDRs):
# from them alone the client address is read from X-Forwarded-For.
readonly TRUSTED_PROXY_LIST="${TRUSTED_PROXIES:-}"
# Origins whose browsers may call the gateway (the apps' web builds). Unset:
# any port on localhost / 127.0.0.1 (flutter run -d chrome picks a random
# one); empty: no CORS at all.
readonly CORS_ORIGINS="${CORS_ALLOWED_ORIGINS-http://localhost:*,http://127.0.0.1:*}"

# Escapes a value for the replacement side of a sed s|||.
sed_escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

upstream_servers() {
  local list=$1 addr out=""
  for addr in $list; do
    [[ "$addr" =~ ^[A-Za-z0-9.:_-]+:[0-9]+$ ]] || die "nginx: bad upstream address '$addr' (want host:port)"
    out+="server $addr max_fails=1 fail_timeout=2s; "
  done
  echo "$out"
}

# The escaped `server ...;` lines of one service's upstream (user, trip or
# driver): UITGO_<SERVICE>_UPSTREAMS, or else its local instances.
upstream_of() {
  local name=$1 override
  override="UITGO_${name^^}_UPSTREAMS"
  sed_escape "$(upstream_servers "${!override:-$(local_upstreams "$name-service")}")"
}

# The entries of the gateway's allowed-origin map: one per origin of
# CORS_ALLOWED_ORIGINS (comma- or space-separated scheme://host[:port]; the
# port * means any port), each mapping the origin to itself.
cors_origin_entries() {
  local origin scheme host port out="" pattern
  local -a origins=()
  IFS=', ' read -ra origins <<<"$CORS_ORIGINS"
  for origin in "${origins[@]}"; do
    [[ -n "$origin" ]] || continue
    [[ "$origin" =~ ^(https?)://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(:([0-9]{1,5}|\*))?$ ]] ||
      die "CORS_ALLOWED_ORIGINS: '$origin' is not an origin like https://app.example.com or http://localhost:*"
    scheme=${BASH_REMATCH[1]} host=${BASH_REMATCH[2]} port=${BASH_REMATCH[4]}
    if [[ "$port" == "*" ]]; then
      pattern="$scheme://${host//./\\.}"
      pattern=${pattern//[/\\[}
      pattern=${pattern//]/\\]}
      out+="\"~^$pattern(:[0-9]+)?\$\" \$http_origin; "
    else
      out+="\"$origin\" \$http_origin; "
    fi
  done
  echo "$out"
}

# The realip directives for TRUSTED_PROXIES (nothing when unset), lines
# joined by a literal \n for sed's replacement.
real_ip_directives() {
  local proxy out=""
  [[ -n "$TRUSTED_PROXY_LIST" ]] || return 0
  for proxy in ${TRUSTED_PROXY_LIST//,/ }; do
    [[ "$proxy" =~ ^[0-9A-Fa-f.:]+(/[0-9]+)?$ ]] || die "TRUSTED_PROXIES: '$proxy' is not an address or CIDR"
    out+="  set_real_ip_from $proxy;\\n"
  done
  printf '%s' "$out  real_ip_header X-Forwarded-For;\\n  real_ip_recursive on;"
}

render_nginx_conf() {
  local conf=$1 user_directive=""
  [[ -r "$NGINX_TEMPLATE" ]] || die "nginx: template $NGINX_TEMPLATE missing"
  [[ "$AUTH_RATE" =~ ^[0-9]+r/[sm]$ ]] || die "UITGO_AUTH_RATE must look like 10r/s or 600r/m (got '$AUTH_RATE')"
  [[ "$AUTH_BURST" =~ ^[1-9][0-9]*$ ]] || die "UITGO_AUTH_BURST must be a positive number (got '$AUTH_BURST')"
  [[ "$CONN_LIMIT" =~ ^[1-9][0-9]*$ ]] || die "UITGO_CONN_LIMIT must be a positive number (got '$CONN_LIMIT')"
  # As root the master drops workers to an unprivileged account. Workers only
  # use sockets and file descriptors the master opened (bodies stay in memory,
  # see the template), so they need no access to the run dir.
  if is_root; then
    user_directive="user nobody $(id -gn nobody 2>/dev/null || echo nogroup);"
  fi
  sed -e "s|@USER_DIRECTIVE@|$(sed_escape "$user_directive")|g" \
    -e "s|@WORKER_PROCESSES@|$(sed_escape "$NGINX_WORKERS")|g" \
    -e "s|@RUN_DIR@|$(sed_escape "$RUN_DIR")|g" \
    -e "s|@LOG_DIR@|$(sed_escape "$LOG_DIR")|g" \
    -e "s|@GATEWAY_PORT@|$(sed_escape "$GATEWAY_PORT")|g" \
    -e "s|@AUTH_RATE@|$(sed_escape "$AUTH_RATE")|g" \
    -e "s|@AUTH_BURST@|$(sed_escape "$AUTH_BURST")|g" \
    -e "s|@CONN_LIMIT@|$(sed_escape "$CONN_LIMIT")|g" \
    -e "s|@REAL_IP@|$(real_ip_directives)|g" \
    -e "s|@USER_SERVERS@|$(upstream_of user)|g" \
    -e "s|@TRIP_SERVERS@|$(upstream_of trip)|g" \
    -e "s|@DRIVER_SERVERS@|$(upstream_of driver)|g" \
    -e "s|@CORS_ORIGINS@|$(sed_escape "$(cors_origin_entries)")|g" \
    "$NGINX_TEMPLATE" >"$conf.tmp"
  if grep -q '@[A-Z_]*@' "$conf.tmp"; then
    die "nginx: unrendered placeholder in $conf.tmp: $(grep -o '@[A-Z_]*@' "$conf.tmp" | head -1)"
  fi
  mv "$conf.tmp" "$conf"
}

gateway_up() { component_pid nginx >/dev/null && http_ok "http://127.0.0.1:$GATEWAY_PORT/health"; }

start_nginx() {
  local prefix="$RUN_DIR/nginx" log
  already_running nginx && return 0
  log=$(log_file nginx)
  command -v nginx >/dev/null || die "nginx not installed (run make deps)"
  check_port_free nginx "$GATEWAY_PORT"
  mkdir -p "$prefix/tmp"
  render_nginx_conf "$prefix/nginx.conf"
  rm -f "$(pid_file nginx)"
  # -e: the error log before the config is read (the compiled-in default is
  # /var/log/nginx or stderr); -p: relative paths resolve inside the run dir.
  local -a cmd=(nginx -p "$prefix/" -c "$prefix/nginx.conf" -e "$LOG_DIR/nginx-error.log")
  if ! "${cmd[@]}" -t -q </dev/null >>"$log" 2>&1; then
    fail_start nginx "$log" "configuration test failed for $prefix/nginx.conf"
  fi
  info "nginx: starting gateway on 127.0.0.1:$GATEWAY_PORT"
  log_marker nginx
  "${cmd[@]}" </dev/null >>"$log" 2>&1 9>&- || fail_start nginx "$log" "nginx failed to start (see also $LOG_DIR/nginx-error.log)"
  wait_started gateway_up ||
    fail_start nginx "$LOG_DIR/nginx-error.log" "gateway not answering after ${START_TIMEOUT}s"
}
