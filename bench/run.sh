#!/usr/bin/env bash
# Benchmark: starts the platform (./hostplane dev, its own data folder, default ports on 127.0.0.1),
# drives load from a separate JVM, prints the table, and stops the platform.
#
#   bench/run.sh [SECONDS_PER_SCENARIO] [CONCURRENCY]
SECONDS_PER=${1:-15}
CONCURRENCY=${2:-32}
source "$(dirname "${BASH_SOURCE[0]}")/platform.sh"

new_token '{"limit":1000000,"period_seconds":1}' > "$DATA/bench-token"
new_token '{"limit":1,"period_seconds":3600}' > "$DATA/limited-token"

machine
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
