# Sourced by the benchmark scripts: builds, starts the platform (./hostplane dev, its own data folder,
# default ports on 127.0.0.1) with server-grade JVM options, waits until it is ready, stops it on exit,
# and offers new_token LIMIT_JSON. Sets ROOT, DATA, PLATFORM, API.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then
  echo "bench: something already listens on 127.0.0.1:8080; stop it first" >&2
  exit 1
fi

./hostplane build
./mvnw -B -q -DskipTests -Dspotless.check.skip=true package -pl bench

DATA="$(mktemp -d "${TMPDIR:-/tmp}/hostplane-bench.XXXXXX")"
# Server-grade JIT and GC for measuring (./hostplane dev defaults to fast start-up instead).
# The public baseline endpoint is limited per client address (60/min by default) and a tenant may have 1000
# active jobs; the load comes from one address and one tenant, so both are raised for the run (the checks
# still run on every request; bench/fairness.sh keeps the tenant limit at its default).
HOSTPLANE_RATE_LIMIT_PUBLIC_LIMIT=100000000 HOSTPLANE_RATE_LIMIT_PUBLIC_PERIOD=1s HOSTPLANE_JOBS_MAX_ACTIVE_PER_TENANT="${HOSTPLANE_JOBS_MAX_ACTIVE_PER_TENANT:-1000000}" \
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

API=http://127.0.0.1:8080/api/v1
# The demo token has the default limit (120 per minute); measure with tokens made for the purpose.
new_token() {
  curl -s -X POST -H "Authorization: Bearer $(cat "$DATA/demo-token")" -H 'Content-Type: application/json' \
    -d "{\"description\":\"bench\",\"scopes\":[\"*\"],\"rate_limit\":$1}" "$API/tokens" \
    | sed -n 's/.*"token":"\(hp_[A-Za-z0-9]*\)".*/\1/p'
}
umask 077

machine() {
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
}
