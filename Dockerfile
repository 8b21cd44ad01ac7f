# syntax=docker/dockerfile:1
# UIT-Go's container image: one `uitgo` binary, the service chosen by the
# command (user-service, trip-service, driver-service; also seed, match-dlq,
# loadgen). Built by scripts/container-image.sh (podman, no registry needed)
# or by `docker build .`. The AWS instances run it the same way
# (deploy/terraform/modules/asg_service/user_data/backend.sh.tpl): `uitgo` on
# PATH and migrations/ in the working directory.

# ---- build: Debian's compilers and -dev packages, the uitgo target only.
FROM debian:bookworm AS build
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends \
      g++ cmake ninja-build ccache pkg-config ca-certificates \
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev \
      libpq-dev libhiredis-dev libspdlog-dev libfmt-dev libsodium-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
# SRC_DIR: scripts/container-image.sh passes the checkout's own path and
# ccache's base_dir and hash_dir, and lends this machine's ccache (podman build --volume):
# with the same paths and compiler, objects compiled outside are reused.
ARG SRC_DIR=/src/uitgo
WORKDIR ${SRC_DIR}
COPY CMakeLists.txt ./
COPY src src
COPY migrations migrations
ARG CCACHE_DIR=/ccache
ARG CCACHE_BASEDIR=
# Non-empty: ccache leaves the working directory out of its hashes (hash_dir = false).
ARG CCACHE_NOHASHDIR=
RUN mkdir -p "$CCACHE_DIR" \
 && if [ -z "$CCACHE_NOHASHDIR" ]; then unset CCACHE_NOHASHDIR; fi \
 && cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DUITGO_BUILD_TESTS=OFF -DUITGO_BUILD_BENCH=OFF \
 && ninja -C build -j"$(nproc)" uitgo \
 && objcopy --strip-debug build/uitgo /usr/local/bin/uitgo \
 && (ccache -s || true)

# ---- run: only the shared libraries the binary links, curl for the health check.
# Everything but the binary, so that scripts/container-image.sh can also put a
# binary built outside into it (UITGO_IMAGE_BINARY, `--target runtime`).
FROM debian:bookworm-slim AS runtime
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends \
      ca-certificates curl \
      libboost-json1.81.0 libboost-url1.81.0 libpq5 libhiredis0.14 libspdlog1.10 libfmt9 libsodium23 libssl3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin uitgo
WORKDIR /app
COPY migrations migrations
# Containers listen on every interface of their own network namespace, on
# one port whatever the service (override HTTP_PORT as the AWS hosts do).
ENV HTTP_HOST=0.0.0.0 HTTP_PORT=8080 MIGRATIONS_DIR=/app/migrations
USER uitgo
EXPOSE 8080
# /ready: 200 once the service reaches its Postgres and Redis.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${HTTP_PORT}/ready" || exit 1
# SIGTERM drains in-flight requests (SHUTDOWN_GRACE_MS); stop timeouts longer than that.
STOPSIGNAL SIGTERM
ENTRYPOINT ["uitgo"]
CMD ["--help"]

# ---- the image: the runtime and the binary of the build stage.
FROM runtime
COPY --from=build /usr/local/bin/uitgo /usr/local/bin/uitgo
