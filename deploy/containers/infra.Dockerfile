# The servers around UIT-Go for compose.yaml, from Debian 12's own packages
# (public images cannot be pulled everywhere this project runs): PostgreSQL 15,
# Redis 7, nginx and Prometheus in one image; the command picks the role
# (infra-entrypoint.sh). Built by scripts/container-image.sh infra, with
# deploy/containers as its context.
FROM debian:bookworm-slim
ARG DEBIAN_FRONTEND=noninteractive
# No default cluster from postgresql's postinst, and no service started by any postinst.
RUN mkdir -p /etc/postgresql-common/createcluster.d \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/uitgo.conf \
 && printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d \
 && apt-get update -q \
 && apt-get install -y -q --no-install-recommends \
      postgresql-15 postgresql-client-15 redis-server nginx-light prometheus curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* /usr/share/prometheus/consoles /usr/share/doc
COPY infra-entrypoint.sh /usr/local/bin/infra-entrypoint
ENTRYPOINT ["/usr/local/bin/infra-entrypoint"]
