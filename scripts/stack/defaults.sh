# shellcheck shell=bash disable=SC2034 # constants for the files that source this one
# defaults.sh - the local stack's default ports and database role, shared by
# scripts/stack.sh and scripts/lib.sh (the bench scripts).

readonly DEFAULT_PG_PORT=15432
readonly DEFAULT_PG_REPLICA_PORT=15433
readonly DEFAULT_REDIS_PORT=16379
readonly DEFAULT_SQS_PORT=14566
readonly DEFAULT_GATEWAY_PORT=8080
readonly DEFAULT_USER_PORT=8081
readonly DEFAULT_TRIP_PORT=8082
readonly DEFAULT_DRIVER_PORT=8083

readonly PG_USER=uitgo
readonly PG_PASSWORD=uitgo
