#!/usr/bin/env bash
# Issue 4's job benchmarks, in one run on this machine: job acceptance beside pgbench inserting the same
# job row at the same concurrency; end-to-end latency (202 -> succeeded visible) at a fixed rate beside
# Kafka's own produce-to-consume round trip; GET /jobs/{id} 200 and 304 beside the public endpoint; the
# platform's resident memory under that load. Needs pgbench and psql (Debian: postgresql-client).
#
#   bench/jobs.sh [SECONDS] [CONCURRENCY] [RATES]     e.g. bench/jobs.sh 30 8 "50 500"
SECONDS_PER=${1:-30}
CONCURRENCY=${2:-8}
RATES=${3:-"50 500"}
source "$(dirname "${BASH_SOURCE[0]}")/platform.sh"

command -v pgbench >/dev/null || { echo "bench: pgbench is missing (apt-get install postgresql-client)" >&2; exit 1; }
new_token '{"limit":1000000,"period_seconds":1}' > "$DATA/bench-token"
./mvnw -B -q -Dspotless.check.skip=true -pl bench dependency:build-classpath -Dmdep.outputFile="$DATA/bench.cp"
CP="bench/target/classes:$(cat "$DATA/bench.cp")"
# The JVMs whose memory is reported: the one platform JVM, or with HOSTPLANE_DEV_PROCESSES=true each
# service's own (the launcher prints "  api   process <pid>" for each).
declare -A JVMS
if grep -q "process [0-9]" "$DATA/platform.log"; then
  while read -r service _ pid; do JVMS[$service]=$pid; done < <(grep -E "^  (api|worker|audit) +process [0-9]+" "$DATA/platform.log")
else
  JVMS[platform]="$(pgrep -f 'local-0.1.0-SNAPSHOT-exec.jar' | head -1)"
fi
export PGPASSWORD=hostplane
PSQL=(psql -q -h 127.0.0.1 -p 15432 -U hostplane -d hostplane)

# Jobs go round robin to twelve zones of the demo tenant (one zone is one partition, applied in order).
ZONES=example.test
for i in $(seq 1 11); do
  curl -s -o /dev/null -X POST -H "Authorization: Bearer $(cat "$DATA/bench-token")" -H 'Content-Type: application/json' \
    -d "{\"name\":\"bench$i.test\"}" "$API/domains"
  ZONES="$ZONES,bench$i.test"
done
for _ in $(seq 1 60); do
  [ "$("${PSQL[@]}" -t -A -c "select count(*) from api.domains where status = 'active'")" = 12 ] && break
  sleep 1
done
JOBBENCH=(java -Xmx512m -Dzones="$ZONES" -cp "$CP" io.hostplane.bench.JobBench)

machine
echo "zones: $ZONES"
if [ -n "${JVMS[platform]:-}" ]; then
  echo "platform: one JVM (api, worker, audit) with ${HOSTPLANE_JAVA_OPTS:--Xms512m -Xmx1g -XX:+UseSerialGC}"
else
  echo "platform: api, worker and audit in JVMs of their own with ${HOSTPLANE_SERVICE_JAVA_OPTS:-the launcher defaults}"
fi
echo

echo "## 1. Acceptance beside pgbench ($CONCURRENCY clients, ${SECONDS_PER} s)"
# The same row as a job acceptance writes to api.jobs, into a scratch copy of the table, one per transaction.
"${PSQL[@]}" -c "create schema if not exists bench_scratch; drop table if exists bench_scratch.job_rows;
  create table bench_scratch.job_rows (like api.jobs including defaults including indexes);"
cat > "$DATA/job-row.sql" <<'SQL'
insert into bench_scratch.job_rows (id, tenant_id, type, status, resource, request_id, token_id)
values (gen_random_uuid(), 't_bench', 'dns.record.create', 'queued', 'domains/example.test/dns/records/x', 'r', 'tok_bench');
SQL
pgbench -n -h 127.0.0.1 -p 15432 -U hostplane -c "$CONCURRENCY" -j 2 -T "$SECONDS_PER" -f "$DATA/job-row.sql" hostplane \
  2>/dev/null | grep -E "^tps|latency average"
"${PSQL[@]}" -c "drop schema bench_scratch cascade;"
"${JOBBENCH[@]}" accept http://127.0.0.1:8080 "$DATA/bench-token" "$SECONDS_PER" "$CONCURRENCY"

echo
echo "draining the accepted jobs…"
for _ in $(seq 1 300); do
  ACTIVE=$("${PSQL[@]}" -t -A -c "select count(*) from api.jobs where status in ('queued','running')")
  [ "$ACTIVE" = 0 ] && break
  sleep 1
done
echo "active jobs left: $ACTIVE"

echo
for RATE in $RATES; do
  echo "## 2. End-to-end latency at $RATE jobs/s for ${SECONDS_PER} s (open loop)"
  SAMPLERS=()
  for service in "${!JVMS[@]}"; do
    pid=${JVMS[$service]}
    ( while kill -0 "$pid" 2>/dev/null; do ps -o rss= -p "$pid"; sleep 1; done ) > "$DATA/rss-$service.txt" &
    SAMPLERS+=($!)
  done
  "${JOBBENCH[@]}" latency http://127.0.0.1:8080 "$DATA/bench-token" "$RATE" "$SECONDS_PER"
  kill "${SAMPLERS[@]}" 2>/dev/null || true
  for service in "${!JVMS[@]}"; do
    echo "resident memory of $service, max during this run: $(( $(sort -n "$DATA/rss-$service.txt" | tail -1) / 1024 )) MiB"
  done
  for _ in $(seq 1 300); do
    [ "$("${PSQL[@]}" -t -A -c "select count(*) from api.jobs where status in ('queued','running')")" = 0 ] && break
    sleep 1
  done
  echo
done
echo "Kafka's own round trip (EndToEndLatency, acks=all, 512 B, 10000 records, same broker):"
java -cp "$CP" org.apache.kafka.tools.EndToEndLatency --bootstrap-server 127.0.0.1:19092 --topic bench-round-trip \
  --num-records 10000 --producer-acks all --record-size 512 2>/dev/null | grep -E "Avg latency|Percentiles"

echo
echo "## 3. Polling"
"${JOBBENCH[@]}" polling http://127.0.0.1:8080 "$DATA/bench-token" 15 "$CONCURRENCY"
