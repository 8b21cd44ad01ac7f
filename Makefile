# Thin entry points; the logic lives in scripts/. See README.md.
#   make up      install what is missing, build, start everything (gateway :8080)
#   make test    install what is missing, build, run every test (ctest)
#   make fuzz    build the clang fuzz tree, fuzz each target FUZZ_SECONDS (scripts/fuzz.sh)
#   make compose-up / compose-down / test-containers   the stack in containers (podman)
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
CTEST_ARGS ?=

.PHONY: help deps configure build up down status test fuzz format lint clean purge loadtest loadtest-trip-matching bench soak \
  bench-compare chaos container-image compose-up compose-down test-containers

help:
	@echo "make deps | build | up | down | status | test | fuzz | format | lint | clean | purge"
	@echo "     loadtest-trip-matching | loadtest PROFILE=... | bench | soak DURATION=... | bench-compare | chaos"
	@echo "     container-image | compose-up | compose-down | test-containers"
	@echo "  up/down/status take the components of scripts/stack.sh via C=..., e.g. make up C='postgres redis'"

deps:
	@scripts/install-deps.sh

# Configure only when there is no build tree yet (re-running cmake on every
# build would cost seconds; ninja re-runs it itself when a CMakeLists changes).
configure: deps
	@if [[ ! -f $(BUILD_DIR)/build.ninja ]]; then \
	  cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE); \
	fi

build: configure
	@ninja -C $(BUILD_DIR) -j$(JOBS)

up: build
	@UITGO_BIN="$${UITGO_BIN:-$(abspath $(BUILD_DIR))/uitgo}" scripts/stack.sh up $(C)
	@if [[ -z "$(C)" ]]; then UITGO_BIN="$${UITGO_BIN:-$(abspath $(BUILD_DIR))/uitgo}" scripts/stack.sh seed; fi

down:
	@scripts/stack.sh down $(C)

status:
	@scripts/stack.sh status $(C)

# ctest prints its summary last; nothing may follow it. Its `fuzz` label builds
# the clang fuzz tree (build-fuzz/) and replays the committed fuzz corpora.
test: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure $(CTEST_ARGS)

# libFuzzer (docs/ARCHITECTURE.md, "Fuzzing"): each target of fuzz/ for
# FUZZ_SECONDS, one at a time; FUZZ_TARGETS="jwt resp_reply" picks some. New
# corpus entries stay in build-fuzz/corpus/, crashing inputs in fuzz/crashes/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz: deps
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_TARGETS="$(FUZZ_TARGETS)" FUZZ_JOBS=$(JOBS) scripts/fuzz.sh run

format:
	@git ls-files -co --exclude-standard -- '*.cpp' '*.hpp' '*.h' '*.cc' | xargs -r clang-format -i
	@if command -v shellcheck >/dev/null; then shellcheck scripts/*.sh scripts/stack/*.sh .ci/run; fi

# Static analysis: cppcheck (fast) and clang-tidy over every translation unit
# in compile_commands.json (as long as a build; run it before larger changes).
lint: configure
	@cppcheck --enable=warning,performance,portability --std=c++20 --quiet --error-exitcode=1 \
	  --suppressions-list=.cppcheck-suppressions -I src src
	@run-clang-tidy -quiet -p $(BUILD_DIR) -j$(JOBS) '^$(CURDIR)/src/' 2>/dev/null | grep -E 'warning:|error:' || true

# Build output only; the data of `make up` stays in .run (see purge).
clean:
	@rm -rf $(BUILD_DIR)

# Stops everything and deletes the local stack's data, pid files and logs.
purge:
	@scripts/stack.sh purge

# Load tests (loadtests/README.md): k6 when installed, otherwise `uitgo loadgen`
# on the same scenario files. ACCESS_TOKEN, API_BASE (default
# http://localhost:8080), TARGET_RPS, DURATION, VUS, DRIVERS and
# TRIP_MATCHING_RESULT / RESULT come from make variables or the environment.
PROFILE ?= trip_matching
LOADTEST_VARS = ACCESS_TOKEN="$(ACCESS_TOKEN)" API_BASE="$(API_BASE)" TARGET_RPS="$(TARGET_RPS)" \
  DURATION="$(DURATION)" VUS="$(VUS)" DRIVERS="$(DRIVERS)" RESULT="$(RESULT)" \
  TRIP_MATCHING_RESULT="$(TRIP_MATCHING_RESULT)" UITGO_BIN="$${UITGO_BIN:-$(abspath $(BUILD_DIR))/uitgo}"

loadtest-trip-matching: build
	@$(LOADTEST_VARS) scripts/loadtest.sh trip_matching

loadtest: build
	@$(LOADTEST_VARS) scripts/loadtest.sh $(PROFILE)

# The headline figures next to their limits, measured in one run (scripts/bench.sh):
# matching backlog drain, trip creation vs pgbench INSERT, time to assignment,
# search vs raw GEOSEARCH, each BENCH_RUNS (3) times, every row at its median run;
# writes the bench section of docs/PERFORMANCE.md (~6 min a run).
bench: build
	@UITGO_BIN="$${UITGO_BIN:-$(abspath $(BUILD_DIR))/uitgo}" scripts/bench.sh

# A long steady load (scripts/soak.sh, DURATION=3h by default) sampling every
# process's memory, descriptors and pool use and the request p99; writes a
# time series, a chart and the soak section of docs/PERFORMANCE.md
# (SOAK_REPORT_ONLY=1: both again from docs/perf/raw, also of a run stopped early).
soak: build
	@UITGO_BIN="$${UITGO_BIN:-$(abspath $(BUILD_DIR))/uitgo}" DURATION="$${DURATION:-3h}" scripts/soak.sh

# The seed report's before/after table on this machine (scripts/bench-compare.sh):
# baseline (sync, SQL search, no cache) vs optimized (async, GEO, cache) at
# increasing rates, physical limits, charts; writes docs/perf/ and the
# bench-compare section of docs/PERFORMANCE.md. RATES, STEP_DURATION, ... tune it.
bench-compare: build
	@UITGO_BIN="$${UITGO_BIN:-$(abspath $(BUILD_DIR))/uitgo}" scripts/bench-compare.sh

# The fault suite (scripts/chaos.sh): a private stack with two trip-service and
# two driver-service instances under the chaos load profile; Redis killed and
# frozen, one instance of each service killed, the primary restarted, the
# replica stopped, one after another; writes the chaos section of
# docs/RELIABILITY.md (~10 min). CHAOS_FAULTS, CHAOS_RATE, CHAOS_KEEP=1 tune it.
chaos: build
	@UITGO_BIN="$${UITGO_BIN:-$(abspath $(BUILD_DIR))/uitgo}" scripts/chaos.sh

# Containers (README "Deploy"): the images from the sources with podman and
# Debian's packages (scripts/container-image.sh), compose.yaml on this machine
# (scripts/compose.sh; gateway on UITGO_COMPOSE_GATEWAY_PORT, 8080), and an
# end-to-end check of both (scripts/test-containers.sh; not part of `make test`:
# a cold image build compiles everything again; UITGO_IMAGE_BINARY=build/uitgo
# skips that). GRAFANA=1 also starts Grafana (public image).
container-image:
	@scripts/install-deps.sh --containers
	@scripts/container-image.sh all

compose-up:
	@scripts/install-deps.sh --containers
	@scripts/compose.sh up $(if $(GRAFANA),--grafana)

compose-down:
	@scripts/compose.sh down

test-containers:
	@scripts/install-deps.sh --containers
	@scripts/test-containers.sh
