# shellcheck shell=bash
# Sourced by the benchmark scripts: builds (bench/build.sh), starts the platform (./hostplane dev, its own
# data folder, default ports on 127.0.0.1) with server-grade JVM options, waits until it is ready, stops it
# on exit, and offers new_token LIMIT_JSON. Sets ROOT, CP, DATA, PLATFORM, API, DEMO_TENANT.
#
# A script that needs several platforms one after another (bench/jobs.sh: a second start without workers,
# a third with a process per service) sets BENCH_MANUAL_START=1 before sourcing this file and calls
# platform_start [VAR=value …] and platform_stop itself; the VAR=value pairs are extra environment for
# that start only (e.g. HOSTPLANE_DEV_WORKERS=0).
#
# BENCH_JVM=dev runs the platform with ./hostplane dev's own JVM options (fast start-up, C1 only) instead,
# to report the local defaults beside the server-grade figures.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=bench/build.sh
source "$ROOT/bench/build.sh"
# The launcher's jars (what ./hostplane build makes) and the bench drivers, in one reactor.
bench_build local,cli
# shellcheck disable=SC2034 # used by the scripts that source this file
CP="$BENCH_CP"

API=http://127.0.0.1:8080/api/v1
PLATFORM=""
DATA=""
DEMO_TENANT=""

# Server-grade JIT and GC for measuring (./hostplane dev defaults to fast start-up instead): the one
# platform JVM's options, and each service's when HOSTPLANE_DEV_PROCESSES=true (the launcher's default
# heap, without its C1-only flag).
if [ "${BENCH_JVM:-server}" = dev ]; then
  BENCH_JAVA_OPTS=()
else
  BENCH_JAVA_OPTS=(
    "HOSTPLANE_JAVA_OPTS=${HOSTPLANE_JAVA_OPTS:--Xms512m -Xmx1g -XX:+UseSerialGC}"
    "HOSTPLANE_SERVICE_JAVA_OPTS=${HOSTPLANE_SERVICE_JAVA_OPTS:--Xms64m -Xmx384m -XX:+UseSerialGC}"
  )
fi

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# shellcheck disable=SC2120 # bench/jobs.sh passes arguments
platform_start() {
  if port_busy 8080; then
    echo "bench: something already listens on 127.0.0.1:8080; stop it first" >&2
    exit 1
  fi
  DATA="$(mktemp -d "${TMPDIR:-/tmp}/hostplane-bench.XXXXXX")"
  # The public baseline endpoint is limited per client address (60/min by default), a tenant may have 1000
  # active jobs and 8 changes at work at once per replica; the load comes from one address and one tenant, so
  # all three are raised for the run (the checks still run on every request; bench/fairness.sh keeps the tenant
  # limits at their defaults).
  env HOSTPLANE_RATE_LIMIT_PUBLIC_LIMIT=100000000 HOSTPLANE_RATE_LIMIT_PUBLIC_PERIOD=1s \
    HOSTPLANE_JOBS_MAX_ACTIVE_PER_TENANT="${HOSTPLANE_JOBS_MAX_ACTIVE_PER_TENANT:-1000000}" \
    HOSTPLANE_LIMITS_TENANT_CONCURRENT_CHANGES="${HOSTPLANE_LIMITS_TENANT_CONCURRENT_CHANGES:-1000000}" \
    ${BENCH_JAVA_OPTS[@]+"${BENCH_JAVA_OPTS[@]}"} HOSTPLANE_DATA_DIR="$DATA" "$@" \
    ./hostplane dev > "$DATA/platform.log" 2>&1 &
  # ./hostplane execs the JVM, so this is the launcher JVM's own process id.
  PLATFORM=$!
  for _ in $(seq 1 180); do
    grep -q "Hostplane is ready" "$DATA/platform.log" && break
    kill -0 "$PLATFORM" 2>/dev/null || { cat "$DATA/platform.log"; exit 1; }
    sleep 1
  done
  grep -q "Hostplane is ready" "$DATA/platform.log" || { echo "bench: platform not ready" >&2; exit 1; }
  # The demo tenant's id, for tokens the operator mints for it (new_token).
  DEMO_TENANT="$(curl -s -H "Authorization: Bearer $(cat "$DATA/admin-token")" "$API/accounts?limit=100" \
    | tr '{' '\n' | grep '"name":"demo"' | sed -n 's/.*"id":"\(t_[A-Za-z0-9_-]*\)".*/\1/p' | head -1)"
  [ -n "$DEMO_TENANT" ] || { echo "bench: the demo tenant was not found at $API/accounts" >&2; exit 1; }
}

platform_stop() {
  [ -n "$PLATFORM" ] || return 0
  kill -TERM "$PLATFORM" 2>/dev/null || true
  wait "$PLATFORM" 2>/dev/null || true
  PLATFORM=""
  # The launcher stops Kafka and PostgreSQL before it exits; wait (bounded) until their ports are free too,
  # so that a next platform_start finds them free.
  for _ in $(seq 1 30); do
    port_busy 8080 || port_busy 19092 || port_busy 15432 || break
    sleep 1
  done
}
cleanup() { platform_stop; }
trap cleanup EXIT

# Benchmark tokens are minted by the platform operator for the demo tenant, with a limit far above any
# load here, rather than by the demo token: a token's limit may come to be capped at its creator's, and the
# demo token has the default limit (120 per minute).
new_token() {
  local answer token
  answer="$(curl -s -X POST -H "Authorization: Bearer $(cat "$DATA/admin-token")" -H 'Content-Type: application/json' \
    -d "{\"tenant\":\"$DEMO_TENANT\",\"description\":\"bench\",\"scopes\":[\"*\"],\"rate_limit\":$1}" "$API/tokens")"
  token="$(sed -n 's/.*"token":"\(hp_[A-Za-z0-9]*\)".*/\1/p' <<<"$answer")"
  [ -n "$token" ] || { echo "bench: no token minted: $answer" >&2; return 1; }
  echo "$token"
}

machine() {
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
}

if [ "${BENCH_MANUAL_START:-0}" != 1 ]; then
  # shellcheck disable=SC2119
  platform_start
fi
umask 077
