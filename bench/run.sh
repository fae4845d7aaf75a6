#!/usr/bin/env bash
# Benchmark: starts the platform (./hostplane dev, its own data folder, default ports on 127.0.0.1),
# drives load from a separate JVM, prints the table, and stops the platform.
#
#   bench/run.sh [SECONDS_PER_SCENARIO] [CONCURRENCY]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_PER=${1:-15}
CONCURRENCY=${2:-32}

if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then
  echo "bench: something already listens on 127.0.0.1:8080; stop it first" >&2
  exit 1
fi

./hostplane build
./mvnw -B -q -DskipTests -Dspotless.check.skip=true package -pl bench

DATA="$(mktemp -d "${TMPDIR:-/tmp}/hostplane-bench.XXXXXX")"
# Server-grade JIT and GC for measuring (./hostplane dev defaults to fast start-up instead).
# The public baseline endpoint is limited per client address (60/min by default); the load comes from one
# address, so that limit is raised for the run (the limiter itself still runs on every request).
HOSTPLANE_RATE_LIMIT_PUBLIC_LIMIT=100000000 HOSTPLANE_RATE_LIMIT_PUBLIC_PERIOD=1s HOSTPLANE_JOBS_MAX_ACTIVE_PER_TENANT=1000000 \
HOSTPLANE_JAVA_OPTS="${HOSTPLANE_JAVA_OPTS:--Xms512m -Xmx1g -XX:+UseSerialGC}" HOSTPLANE_DATA_DIR="$DATA" ./hostplane dev > "$DATA/platform.log" 2>&1 &
PLATFORM=$!
cleanup() {
  kill -TERM "$PLATFORM" 2>/dev/null || true
  wait "$PLATFORM" 2>/dev/null || true
}
trap cleanup EXIT

for _ in $(seq 1 180); do
  grep -q "Hostplane is ready" "$DATA/platform.log" && break
  kill -0 "$PLATFORM" 2>/dev/null || { cat "$DATA/platform.log"; exit 1; }
  sleep 1
done
grep -q "Hostplane is ready" "$DATA/platform.log" || { echo "bench: platform not ready" >&2; exit 1; }

# The demo token has the default limit (120 per minute); measure with tokens made for the purpose.
API=http://127.0.0.1:8080/api/v1
new_token() {
  curl -s -X POST -H "Authorization: Bearer $(cat "$DATA/demo-token")" -H 'Content-Type: application/json' \
    -d "{\"description\":\"bench\",\"scopes\":[\"*\"],\"rate_limit\":$1}" "$API/tokens" \
    | sed -n 's/.*"token":"\(hp_[A-Za-z0-9]*\)".*/\1/p'
}
umask 077
new_token '{"limit":1000000,"period_seconds":1}' > "$DATA/bench-token"
new_token '{"limit":1,"period_seconds":3600}' > "$DATA/limited-token"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "java: $(java -version 2>&1 | head -1)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
java -Xmx512m -cp bench/target/classes io.hostplane.bench.LoadDriver \
  http://127.0.0.1:8080 "$DATA/bench-token" "$SECONDS_PER" "$CONCURRENCY" 2000000 "$DATA/limited-token"

# Cross-check of the two GET rows with wrk (Debian package 'wrk'), which costs the shared cores less.
if command -v wrk >/dev/null 2>&1; then
  echo
  echo "| wrk (1 thread, $CONCURRENCY connections, ${SECONDS_PER} s) | requests/s | p50 ms | p99 ms |"
  echo "| --- | ---: | ---: | ---: |"
  for scenario in public token; do
    if [ "$scenario" = public ]; then
      ARGS=(http://127.0.0.1:8080/api/v1/oauth/scopes)
    else
      ARGS=(-H "Authorization: Bearer $(cat "$DATA/bench-token")" http://127.0.0.1:8080/api/v1/system/hello)
    fi
    wrk -t1 -c"$CONCURRENCY" -d5s "${ARGS[@]}" >/dev/null
    OUT="$(wrk -t1 -c"$CONCURRENCY" -d"${SECONDS_PER}s" --latency "${ARGS[@]}")"
    RPS="$(awk '/Requests\/sec/ {print $2}' <<<"$OUT")"
    P50="$(awk '$1=="50%" {print $2}' <<<"$OUT")"
    P99="$(awk '$1=="99%" {print $2}' <<<"$OUT")"
    echo "| $scenario | $RPS | $P50 | $P99 |"
  done
fi

# How long the accepted jobs took to drain through the workers.
TOKEN="$(cat "$DATA/bench-token")"
for _ in $(seq 1 120); do
  QUEUED=$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:8080/api/v1/jobs?limit=1" | grep -o '"status":"[a-z]*"' | head -1)
  [ "$QUEUED" = '"status":"succeeded"' ] && break
  sleep 1
done
echo "newest job after the run: ${QUEUED:-unknown}"
