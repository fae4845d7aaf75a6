#!/usr/bin/env bash
# Issue 17, item 2: prompt wake-ups across API replicas. Starts the platform (./hostplane dev, its own data folder,
# default ports on 127.0.0.1) without workers, and a second API replica (B, 127.0.0.1:$B_PORT) in a JVM of its own
# on the same Kafka and PostgreSQL that takes no job events; the once-a-second sweep is set to an hour on both, so
# only the fold's notification can answer a long poll held by B. Then, one job at a time, io.hostplane.bench.
# WakeupBench holds `GET /jobs/{id}?wait=30s&until=terminal` on both replicas, sends the job's outcome as a worker
# would, and times from the fold's commit (as its own LISTEN hears it) to each answer. Prints p50/p90/p99/max and
# the target (commit -> answer on the other replica, p99 <= 50 ms). Loopback only; bounded in jobs and in time.
#
#   bench/wakeups.sh [JOBS] [MAX_SECONDS]            e.g. bench/wakeups.sh 2000 900
#   WARMUP_JOBS=5 bench/wakeups.sh 20 120            a quick check that it runs
#
# JOBS measured (default 2000) after WARMUP_JOBS (200) that warm the JVMs up; nothing new starts after MAX_SECONDS
# (900). B_PORT (8081) must be free. The platform's log is $DATA/platform.log, B's $DATA/replica-b.log.
# BENCH_KEEP_DATA=true keeps the platform's database and broker data too.
set -euo pipefail
JOBS=${1:-2000}
MAX_SECONDS=${2:-900}
WARMUP_JOBS=${WARMUP_JOBS:-200}
B_PORT=${B_PORT:-8081}
# No worker: the bench ends each job itself, once both long polls are held. No sweep: a long poll on B is answered
# by the notification or not at all (until its wait ends). Both reach the platform and B through the environment.
export HOSTPLANE_DEV_WORKERS=0
export HOSTPLANE_JOBS_WAIT_SWEEP_INTERVAL_MS=3600000
BENCH_MANUAL_START=1
# shellcheck source=bench/platform.sh
source "$(dirname "${BASH_SOURCE[0]}")/platform.sh"

REPLICA_B=""
stop_b() {
  [ -n "$REPLICA_B" ] || return 0
  kill -TERM "$REPLICA_B" 2>/dev/null || true
  for _ in $(seq 1 30); do
    kill -0 "$REPLICA_B" 2>/dev/null || break
    sleep 1
  done
  kill -KILL "$REPLICA_B" 2>/dev/null || true
  REPLICA_B=""
}
# The platform's database, broker data and PostgreSQL binaries go once it has stopped (BENCH_KEEP_DATA=true keeps
# them); the logs stay in its data folder.
stop_all() {
  stop_b
  platform_stop
  if [ -n "$DATA" ] && [ "${BENCH_KEEP_DATA:-false}" != true ]; then
    rm -rf "$DATA/postgres/data" "$DATA/kafka/logs" "$DATA/pg-bin"
  fi
}
trap stop_all EXIT

if port_busy "$B_PORT"; then
  echo "bench: something already listens on 127.0.0.1:$B_PORT; stop it first or set B_PORT" >&2
  exit 1
fi
platform_start

# Replica B: the same api-service the platform runs, from the bench's class path, with the platform's token pepper
# and SSL key (read from its data folder, passed in the environment, never on the command line).
HOSTPLANE_TOKENS_PEPPER="$(cat "$DATA/pepper")" HOSTPLANE_SSL_ENCRYPTION_KEY="$(cat "$DATA/ssl-encryption-key")" \
  java -Xms256m -Xmx512m -XX:+UseSerialGC -cp "$CP" io.hostplane.api.ApiApplication \
  --server.address=127.0.0.1 --server.port="$B_PORT" --spring.kafka.listener.auto-startup=false \
  --spring.kafka.bootstrap-servers=127.0.0.1:19092 \
  --spring.r2dbc.url=r2dbc:postgresql://127.0.0.1:15432/hostplane \
  > "$DATA/replica-b.log" 2>&1 &
REPLICA_B=$!
for _ in $(seq 1 120); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$B_PORT/api/v1/health" || true)" != 000 ] && break
  kill -0 "$REPLICA_B" 2>/dev/null || { tail -50 "$DATA/replica-b.log"; exit 1; }
  sleep 1
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$B_PORT/api/v1/health" || true)" != 000 ] \
  || { echo "bench: replica B did not answer on 127.0.0.1:$B_PORT" >&2; exit 1; }

new_token '{"limit":1000000,"period_seconds":1}' > "$DATA/bench-token"
machine
echo "replicas: A http://127.0.0.1:8080 (the platform, folds every job event), B http://127.0.0.1:$B_PORT (folds none)"
echo "jobs: $JOBS measured after $WARMUP_JOBS warm-up, one at a time, at most $MAX_SECONDS s"
echo
# The driver's and its Kafka client's own logging: warnings only, on stderr.
cat > "$DATA/bench-logback.xml" <<'XML'
<configuration>
  <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%d{HH:mm:ss.SSS} %level %logger{30} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="ERR"/></root>
</configuration>
XML
java -Xmx256m -XX:+UseSerialGC -Dlogback.configurationFile="$DATA/bench-logback.xml" -cp "$CP" io.hostplane.bench.WakeupBench http://127.0.0.1:8080 "http://127.0.0.1:$B_PORT" \
  "$DATA/bench-token" "$WARMUP_JOBS" "$JOBS" "$MAX_SECONDS" 127.0.0.1:19092 \
  jdbc:postgresql://127.0.0.1:15432/hostplane
