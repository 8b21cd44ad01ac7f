#!/bin/bash
# UIT-Go instance boot script (EC2 user_data), rendered by templatefile() in modules/asg_service.
# In this file $${...} and %%{...} are Terraform template syntax; bash variables are written $name.
#
# Runs the services listed in `services` as containers of the project's image, configured with the
# managed endpoints (RDS primary and replica, ElastiCache, SQS), and the nginx gateway in front of
# them, rendered from the repository's deploy/nginx/gateway.conf.template. Secrets are read from
# SSM Parameter Store and reach the containers only through root-only env files (mode 600, docker
# --env-file), never through a command line that `ps` would show.
#
# Redis: the services' client has no TLS (src/core/redis/options.cpp accepts only redis://), so
# REDIS_URL uses the scheme the redis module reports: redis:// while its client_tls is false (the
# replication group then accepts plain connections next to TLS ones), rediss:// once the client
# supports TLS and client_tls is set to true.
set -euo pipefail
exec > >(tee -a /var/log/uitgo-boot.log) 2>&1

readonly REGION='${region}'
readonly IMAGE='${image}'
readonly REGISTRY='${registry}'
readonly SERVICES='${join(" ", services)}'
readonly GATEWAY_PORT='${gateway_port}'
readonly CONF_DIR=/etc/uitgo
readonly GATEWAY_DIR=/var/lib/uitgo/gateway
readonly LOG_DIR=/var/log/uitgo

declare -A PORTS=(
%{ for service, port in ports ~}
  [${service}]=${port}
%{ endfor ~}
)

# Messages go to stderr so that functions whose output is captured stay clean.
log() { echo "uitgo-boot: $*" >&2; }

# retry ATTEMPTS PAUSE COMMAND...: the package mirrors, AWS APIs and a freshly created RDS
# instance may each need a while before they answer.
retry() {
  local attempts=$1 pause=$2 i
  shift 2
  for ((i = 1; i <= attempts; i++)); do
    if "$@"; then
      return 0
    fi
    log "attempt $i/$attempts of '$1' failed"
    sleep "$pause"
  done
  return 1
}

log "installing docker, nginx and the Postgres client"
retry 10 15 dnf install -y -q docker nginx postgresql15
systemctl enable --now docker

# ---- secrets: kept in shell variables, never echoed, written only to files nobody else reads.
param() {
  aws ssm get-parameter --region "$REGION" --with-decryption --name "$1" --query Parameter.Value --output text
}
jwt_secret=$(retry 10 10 param '${ssm_jwt_secret}')
internal_token=$(retry 10 10 param '${ssm_internal_token}')
db_password=$(retry 10 10 param '${ssm_db_password}')
redis_auth_token=$(retry 10 10 param '${ssm_redis_auth_token}')

umask 077
install -d -m 700 "$CONF_DIR"

# ---- environment of the containers. docker --env-file takes each line literally: no quotes,
# no expansion, everything after the first = is the value (DSNs may contain spaces).

# Every service. UITGO_DEV_MODE stays false: it would lift the secret checks.
cat > "$CONF_DIR/common.env" <<EOF
HTTP_HOST=0.0.0.0
UITGO_DEV_MODE=false
JWT_SECRET=$jwt_secret
INTERNAL_TOKEN=$internal_token
REDIS_URL=${redis_scheme}://:$redis_auth_token@${redis_host}:${redis_port}/0
EOF

# trip-service publishes to the queue and driver-service's matchers consume it. The delivery
# limit and visibility timeout repeat the queue's own settings: matchers re-publish a message
# before SQS would dead-letter it.
cat > "$CONF_DIR/queue.env" <<EOF
MATCH_QUEUE=sqs
SQS_QUEUE_URL=${queue_url}
SQS_DLQ_URL=${dlq_url}
AWS_REGION=${region}
MATCH_MAX_DELIVERIES=${max_deliveries}
MATCH_VISIBILITY_TIMEOUT_MS=${visibility_timeout_ms}
EOF

cat > "$CONF_DIR/user-service.env" <<EOF
HTTP_PORT=${ports["user-service"]}
USER_DB_DSN=host=${db_host} port=${db_port} dbname=user_db user=${db_username} password=$db_password sslmode=${db_sslmode}
DRIVER_SERVICE_URL=${driver_service_url}
EOF

cat > "$CONF_DIR/trip-service.env" <<EOF
HTTP_PORT=${ports["trip-service"]}
TRIP_DB_DSN=host=${db_host} port=${db_port} dbname=trip_db user=${db_username} password=$db_password sslmode=${db_sslmode}
TRIP_DB_REPLICA_DSN=host=${db_replica_host} port=${db_replica_port} dbname=trip_db user=${db_username} password=$db_password sslmode=${db_sslmode}
DRIVER_SERVICE_URL=${driver_service_url}
EOF

cat > "$CONF_DIR/driver-service.env" <<EOF
HTTP_PORT=${ports["driver-service"]}
DRIVER_DB_DSN=host=${db_host} port=${db_port} dbname=driver_db user=${db_username} password=$db_password sslmode=${db_sslmode}
TRIP_SERVICE_URL=${trip_service_url}
EOF

# The operator's extra_environment, last so it may override a default; quoted heredoc: literal.
cat > "$CONF_DIR/extra.env" <<'EOF'
%{ for key, value in extra_environment ~}
${key}=${value}
%{ endfor ~}
EOF

# ---- databases. RDS creates only `postgres`; each service migrates its own database at start
# but the database must exist. Instances booting together may race on CREATE DATABASE: a
# failure is fine as long as the database exists afterwards.
printf '%s:%s:*:%s:%s\n' '${db_host}' '${db_port}' '${db_username}' "$db_password" > "$CONF_DIR/pgpass"
export PGPASSFILE=$CONF_DIR/pgpass
readonly ADMIN_DSN='host=${db_host} port=${db_port} user=${db_username} dbname=postgres sslmode=${db_sslmode} connect_timeout=5'

database_exists() {
  [[ $(psql "$ADMIN_DSN" -XtAc "SELECT 1 FROM pg_database WHERE datname = '$1'") == 1 ]]
}
ensure_database() {
  database_exists "$1" || psql "$ADMIN_DSN" -Xqc "CREATE DATABASE $1" || database_exists "$1"
}

log "waiting for Postgres at ${db_host}"
retry 60 10 psql "$ADMIN_DSN" -XtAc 'SELECT 1' > /dev/null
for service in $SERVICES; do
  retry 5 5 ensure_database "$${service%-service}_db"
done

# ---- image. It may be pushed after the infrastructure exists, so keep trying; an instance that
# never gets it fails its health check and the group replaces it.
pull_image() {
  aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "$REGISTRY" > /dev/null &&
    docker pull -q "$IMAGE"
}
log "pulling $IMAGE"
retry 1000 15 pull_image

# ---- one systemd unit per service: restarted when it exits, SIGTERM and 15 s to drain on stop
# (SHUTDOWN_GRACE_MS is 10 s), logs to CloudWatch through docker's awslogs driver.
for service in $SERVICES; do
  env_files="--env-file $CONF_DIR/common.env --env-file $CONF_DIR/$service.env"
  if [[ $service != user-service ]]; then
    env_files+=" --env-file $CONF_DIR/queue.env"
  fi
  env_files+=" --env-file $CONF_DIR/extra.env"
  cat > "/etc/systemd/system/uitgo-$service.service" <<EOF
[Unit]
Description=UIT-Go $service
After=docker.service network-online.target
Wants=network-online.target
Requires=docker.service

[Service]
Restart=always
RestartSec=5
TimeoutStopSec=30
ExecStartPre=-/usr/bin/docker rm -f uitgo-$service
ExecStart=/usr/bin/docker run --rm --name uitgo-$service --network host --ulimit nofile=65536:65536 $env_files --log-driver awslogs --log-opt awslogs-region=$REGION --log-opt awslogs-group=${log_group} --log-opt awslogs-stream=%H/$service --entrypoint ${image_binary} $IMAGE $service
ExecStop=/usr/bin/docker stop --time 15 uitgo-$service

[Install]
WantedBy=multi-user.target
EOF
done

# ---- gateway: the repository's nginx template, rendered as scripts/stack.sh renders it, with three
# changes for running behind the ALB: listen on every interface (the ALB comes over the VPC); take
# the client address from the X-Forwarded-For the ALB appends, trusted only from inside the VPC,
# so the per-client /auth/* rate limit counts clients, not ALB nodes; and answer 404 to
# /<service>/ready and /<service>/metrics (the template already does; kept as a second line, and
# the ALB blocks them too; nginx also catches percent-encoded spellings). No CORS
# origin is allowed here (the apps' web builds are served from their own origin in production: list
# it in @CORS_ORIGINS@'s place as scripts/stack/nginx.sh renders it).
install -d -m 755 /var/lib/uitgo "$GATEWAY_DIR" "$GATEWAY_DIR/pids" "$GATEWAY_DIR/nginx" "$GATEWAY_DIR/nginx/tmp" "$LOG_DIR"
cat > "$GATEWAY_DIR/gateway.conf.template" <<'UITGO_GATEWAY_TEMPLATE'
${gateway_template}
UITGO_GATEWAY_TEMPLATE

cat > "$GATEWAY_DIR/aws-http.conf" <<'EOF'
  set_real_ip_from ${vpc_cidr};
  real_ip_header X-Forwarded-For;
  real_ip_recursive on;
EOF
cat > "$GATEWAY_DIR/aws-server.conf" <<'EOF'
    # Probes stay inside the VPC. Listed before the template's own regex locations, so it wins.
    location ~ "^/[^/]+-service/(ready|metrics)$" {
      return 404;
    }
EOF

template=$GATEWAY_DIR/gateway.conf.template
conf=$GATEWAY_DIR/nginx.conf
for anchor in '^http {$' '^    server_name _;$' 'listen 127.0.0.1:@GATEWAY_PORT@;'; do
  if ! grep -q "$anchor" "$template"; then
    log "gateway template no longer has '$anchor': update backend.sh.tpl"
    exit 1
  fi
done
sed -e "/^http {\$/r $GATEWAY_DIR/aws-http.conf" \
  -e "/^    server_name _;\$/r $GATEWAY_DIR/aws-server.conf" \
  -e 's|listen 127.0.0.1:@GATEWAY_PORT@;|listen @GATEWAY_PORT@;|' \
  -e 's|@USER_DIRECTIVE@|user nginx;|g' \
  -e 's|@WORKER_PROCESSES@|auto|g' \
  -e "s|@RUN_DIR@|$GATEWAY_DIR|g" \
  -e "s|@LOG_DIR@|$LOG_DIR|g" \
  -e "s|@GATEWAY_PORT@|$GATEWAY_PORT|g" \
  -e 's|@AUTH_RATE@|${auth_rate}|g' \
  -e 's|@AUTH_BURST@|${auth_burst}|g' \
  -e 's|@USER_SERVERS@|server ${upstreams["user-service"]};|g' \
  -e 's|@TRIP_SERVERS@|server ${upstreams["trip-service"]};|g' \
  -e 's|@DRIVER_SERVERS@|server ${upstreams["driver-service"]};|g' \
  -e 's|@CORS_ORIGINS@||g' \
  "$template" > "$conf"
if grep -q '@[A-Z_]*@' "$conf"; then
  log "unrendered placeholder in $conf: $(grep -o '@[A-Z_]*@' "$conf" | head -1)"
  exit 1
fi
chmod 644 "$conf"

cat > /etc/systemd/system/uitgo-gateway.service <<EOF
[Unit]
Description=UIT-Go gateway (nginx)
After=network-online.target
Wants=network-online.target

[Service]
Type=forking
PIDFile=$GATEWAY_DIR/pids/nginx.pid
ExecStartPre=/usr/sbin/nginx -t -q -p $GATEWAY_DIR/nginx -c $conf
ExecStart=/usr/sbin/nginx -p $GATEWAY_DIR/nginx -c $conf
ExecReload=/usr/sbin/nginx -p $GATEWAY_DIR/nginx -c $conf -s reload
ExecStop=/usr/sbin/nginx -p $GATEWAY_DIR/nginx -c $conf -s quit
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
EOF

systemctl daemon-reload
for service in $SERVICES; do
  systemctl enable --now "uitgo-$service"
done
systemctl enable --now uitgo-gateway

# ---- report readiness in the boot log; the ALB health check is what gates traffic.
for service in $SERVICES; do
  if retry 30 10 curl -fsS -o /dev/null "http://127.0.0.1:$${PORTS[$service]}/ready"; then
    log "$service ready"
  else
    log "$service not ready after 5 minutes: journalctl -u uitgo-$service, CloudWatch ${log_group}"
  fi
done
log "boot finished"
