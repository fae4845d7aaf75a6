#!/usr/bin/env bash
# Issue 6's audit benchmarks (item 8, item 4's export memory, item 7's large run), in one run on this machine:
#   1. ingest: EVENTS request records produced straight to hostplane.audit, timed until every one is stored in
#      audit.events: once sent in one Kafka transaction (a backlog the read_committed ingestor sees at the commit,
#      timed from the commit), once sent live (timed from the first send); beside COPY of the backlog's rows into
#      same-definition scratch tables;
#   2. replay: POST /audit/replays of hostplane.audit into a topic, timed from 202 to succeeded (seen by long
#      polling); once right after the start (reported), then REPLAY_PAIRS times warm, each beside Kafka's
#      ConsumerPerformance on the same topic and record count (the median ratio); one into a file for reference;
#   3. query: ROWS synthetic rows (one insert … select from generate_series, topic bench.synthetic, no hashes,
#      1000 tenants over 90 days), then p50/p99 of GET /audit/events?tenant&from=<day>&to=<day+1>&limit=50;
#   4. export: GET /audit/export of the one tenant that holds EXPORT_ROWS of those rows, with the API's RSS
#      sampled every 0.5 s (the services run as separate processes, so the API is a JVM of its own).
# Needs psql (Debian: postgresql-client) and curl.
#
#   bench/audit.sh [EVENTS] [ROWS] [EXPORT_ROWS]     defaults 100000 10000000 1000000
#   environment: AUDIT_TENANTS (64: tenants of the ingested events), SYN_TENANTS (1000), SYN_DAYS (90),
#   QUERIES (300), QUERY_WARMUP (30), REPLAY_PAIRS (3: warm replays, each beside a ConsumerPerformance run),
#   HOSTPLANE_SERVICE_JAVA_OPTS (-Xms128m -Xmx384m -XX:+UseSerialGC),
#   HOSTPLANE_AUDIT_RETENTION_PARTITION (month, the service's default; day: one partition of audit.events a day),
#   AUDIT_KEEP_DATA (false: the run's database and broker data are removed on exit)
EVENTS=${1:-100000}
ROWS=${2:-10000000}
EXPORT_ROWS=${3:-1000000}
AUDIT_TENANTS=${AUDIT_TENANTS:-64}
SYN_TENANTS=${SYN_TENANTS:-1000}
SYN_DAYS=${SYN_DAYS:-90}
QUERIES=${QUERIES:-300}
QUERY_WARMUP=${QUERY_WARMUP:-30}
REPLAY_PAIRS=${REPLAY_PAIRS:-3}
if [ "$EXPORT_ROWS" -ge "$ROWS" ]; then
  echo "bench: EXPORT_ROWS must be below ROWS (the export tenant is one of the synthetic rows' tenants)" >&2
  exit 1
fi
# Each service in a JVM of its own (the API's memory is read in part 4), server JIT for measuring.
export HOSTPLANE_DEV_PROCESSES=${HOSTPLANE_DEV_PROCESSES:-true}
export HOSTPLANE_SERVICE_JAVA_OPTS=${HOSTPLANE_SERVICE_JAVA_OPTS:--Xms128m -Xmx384m -XX:+UseSerialGC}
# The operator token has the default per-token limit (120 a minute); the query loop sends a few hundred.
export HOSTPLANE_RATE_LIMIT_DEFAULT_LIMIT=${HOSTPLANE_RATE_LIMIT_DEFAULT_LIMIT:-100000000}
export HOSTPLANE_RATE_LIMIT_DEFAULT_PERIOD=${HOSTPLANE_RATE_LIMIT_DEFAULT_PERIOD:-1s}
source "$(dirname "${BASH_SOURCE[0]}")/platform.sh"

# At full size the store takes about 15 GB: on exit, once the platform has stopped, the database and the broker's
# data go (the logs and the drivers' outputs stay in $DATA). AUDIT_KEEP_DATA=true keeps everything.
audit_cleanup() {
  cleanup
  if [ "${AUDIT_KEEP_DATA:-false}" != true ]; then rm -rf "$DATA/postgres" "$DATA/kafka" "$DATA/pg-bin"; fi
}
trap audit_cleanup EXIT

command -v psql >/dev/null || { echo "bench: psql is missing (apt-get install postgresql-client)" >&2; exit 1; }
# The data folder's PostgreSQL as ./hostplane dev starts it (local's DevStack): the owner of schema audit.
export PGUSER=hostplane PGPASSWORD=hostplane
JDBC=jdbc:postgresql://127.0.0.1:15432/hostplane
KAFKA=127.0.0.1:19092
PSQL=(psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 15432 -d hostplane)
# The drivers' and Kafka clients' own logging: warnings only, on stderr.
cat > "$DATA/bench-logback.xml" <<'XML'
<configuration>
  <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%d{HH:mm:ss.SSS} %level %logger{30} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="ERR"/></root>
</configuration>
XML
JAVA=(java -Xmx512m -XX:+UseSerialGC -Dlogback.configurationFile="$DATA/bench-logback.xml" -cp "$CP")
BENCH=("${JAVA[@]}" io.hostplane.bench.AuditBench)
ADMIN_FILE="$DATA/admin-token"
API_PID=$(grep -E "^  api +process [0-9]+" "$DATA/platform.log" | awk '{print $3}' | head -1 || true)
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}'; }
val() { sed -n "s/^@$1 //p" "$2" | tail -1; }
declare -A TOOK
# The ingestor's duplicate check, run once per poll of up to 2000 records (audit-service AuditIngestor
# .alreadyStored): its plan with 500 stored ids, as the owner. A sequential scan here would grow with the store.
dedupe_plan() {
  "${PSQL[@]}" <<'SQL' | sed 's/^/    /'
select array_agg(source)::text as sources, array_agg(event_id)::text as ids
  from (select source, event_id from audit.events where tenant like 'bench-t%' order by seq desc limit 500) x \gset
explain (analyze, costs off, timing off) select e.source, e.event_id from audit.event_ids e
  join unnest(:'sources'::text[], :'ids'::text[]) k(source, id) on e.source = k.source and e.event_id = k.id;
SQL
}

machine
echo "platform: $([ -n "$API_PID" ] && echo "api, worker and audit in JVMs of their own ($HOSTPLANE_SERVICE_JAVA_OPTS)" \
  || echo "one JVM for the three services")"
echo "sizes: $EVENTS events ingested, $ROWS synthetic rows ($EXPORT_ROWS of them the export tenant's)"
echo "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

echo "## 1. Ingest beside COPY ($EVENTS events, $AUDIT_TENANTS tenants)"
T=$(now)
"${BENCH[@]}" ingest "$KAFKA" "$JDBC" "$EVENTS" "$AUDIT_TENANTS" "$DATA" | tee "$DATA/ingest.out"
TOOK[ingest]=$(since "$T")
echo "plan of the ingestor's duplicate check (500 ids) with $("${PSQL[@]}" -t -A -c "select count(*) from audit.event_ids") ids stored:"
dedupe_plan
echo

echo "## 2. Replay beside ConsumerPerformance"
T=$(now)
TOPIC_TARGET='{"kind":"topic","topic":"hostplane.replay.bench"}'
# The first replay after the audit service started: its producer path has never run (the service only consumes
# until then), so this one also pays for the JIT compiling it (docs/benchmarks.md). Reported, not the measure.
"${BENCH[@]}" replay "$API" "$ADMIN_FILE" "$TOPIC_TARGET" | tee "$DATA/replay-first.out"
READ=$(val replay_read "$DATA/replay-first.out")
# Then REPLAY_PAIRS pairs, each the same replay again (the topic exists now, the code is warm, as the query part
# warms up before it measures) and Kafka's own consumer on the same topic, the same number of records, a fresh
# group, from the start, each right after the other so that both see the machine alike. The measure is the
# median of the pairs' ratios: on this VM ConsumerPerformance alone varies by a factor of two from run to run.
# (--num-records is --messages' new name.) Its line: start.time, end.time, data.consumed.in.MB, MB.sec,
# data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
perf_field() { grep -E '^[0-9]{4}-' "$1" | tail -1 | cut -d, -f"$2" | xargs; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
PAIR_RATES=() PERF_RATES=() PERF_FETCH_RATES=() PERF_JOINS=() PAIR_RATIOS=() PERF_NS=()
for i in $(seq 1 "$REPLAY_PAIRS"); do
  "${BENCH[@]}" replay "$API" "$ADMIN_FILE" "$TOPIC_TARGET" | tee "$DATA/replay-$i.out"
  "${JAVA[@]}" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$KAFKA" --topic hostplane.audit \
    --num-records "$READ" --group "bench-perf-$(date +%s)-$i" --timeout 60000 | tee "$DATA/perf-$i.out"
  PAIR_RATES+=("$(val replay_rate "$DATA/replay-$i.out")")
  PERF_NS+=("$(perf_field "$DATA/perf-$i.out" 5)")
  PERF_RATES+=("$(perf_field "$DATA/perf-$i.out" 6)")
  PERF_JOINS+=("$(perf_field "$DATA/perf-$i.out" 7)")
  PERF_FETCH_RATES+=("$(perf_field "$DATA/perf-$i.out" 10)")
  PAIR_RATIOS+=("$(awk -v a="${PAIR_RATES[-1]}" -v b="${PERF_RATES[-1]}" 'BEGIN {printf "%.2f", a / b}')")
done
REPLAY_MEDIAN=$(median "${PAIR_RATES[@]}")
PERF_RATE=$(median "${PERF_RATES[@]}")
PERF_FETCH_RATE=$(median "${PERF_FETCH_RATES[@]}")
RATIO_MEDIAN=$(median "${PAIR_RATIOS[@]}")
echo "replay / ConsumerPerformance, pair by pair: ${PAIR_RATIOS[*]} (median $RATIO_MEDIAN)"
FILE_NAME="bench-audit-$(date +%s).ndjson"
"${BENCH[@]}" replay "$API" "$ADMIN_FILE" "{\"kind\":\"file\",\"path\":\"$FILE_NAME\"}" | tee "$DATA/replay-file.out"
FILE_LINES=$(wc -l < "$DATA/replays/$FILE_NAME")
FILE_BYTES=$(stat -c %s "$DATA/replays/$FILE_NAME")
echo "file written: $FILE_LINES lines, $(( FILE_BYTES / 1048576 )) MiB"
rm -f "$DATA/replays/$FILE_NAME"
TOOK[replay]=$(since "$T")
echo

echo "## 3. Query p50/p99 on $ROWS synthetic rows"
FIRST_DAY=$(date -u -d "-$SYN_DAYS days" +%F)
LAST_DAY=$(date -u +%F)
# audit.events is range-partitioned on stored_at (V3; monthly unless hostplane.audit.retention.partition says day):
# the synthetic rows are stored as if ingested when they happened, so their partitions are made first, as the
# retention task makes them (audit.ensure_partitions, as the owner).
PARTITION_UNIT=${HOSTPLANE_AUDIT_RETENTION_PARTITION:-month}
"${PSQL[@]}" -t -A -o /dev/null -c "select audit.ensure_partitions(d, '$PARTITION_UNIT')
  from generate_series('$FIRST_DAY'::timestamptz, '$LAST_DAY'::timestamptz, '1 day') d"
T=$(now)
# One statement: rows in time order over SYN_DAYS days (as an audit log grows), a request record's CloudEvent as
# jsonb (about 600 bytes), every (ROWS / EXPORT_ROWS)-th row the export tenant's, the others spread over
# SYN_TENANTS - 1 tenants. Topic bench.synthetic, partition 0, offset = row number, no hash: no real chain is
# touched (audit.events is append-only; the rows stay in this run's own data folder). Not in audit.event_ids:
# these rows never come through the ingestor.
"${PSQL[@]}" -v rows="$ROWS" -v export_rows="$EXPORT_ROWS" -v tenants="$SYN_TENANTS" -v days="$SYN_DAYS" \
  -v first_day="$FIRST_DAY" <<'SQL'
insert into audit.events (event_id, source, type, subject, tenant, request_id, occurred_at, topic, kafka_partition,
                          kafka_offset, event, stored_at)
select id, '/bench/synthetic', 'io.hostplane.api.request.recorded.v1', path, tenant, rid, t, 'bench.synthetic', 0, g,
  jsonb_build_object(
    'specversion', '1.0', 'id', id, 'source', '/bench/synthetic', 'type', 'io.hostplane.api.request.recorded.v1',
    'time', to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'subject', path,
    'datacontenttype', 'application/json', 'tenant', tenant, 'requestid', rid,
    'data', jsonb_build_object(
      'request_id', rid, 'method', case when g % 4 = 0 then 'POST' else 'GET' end, 'path', path,
      'path_template', case when g % 4 = 0 then '/api/v1/domains/{name}/dns/records' else '/api/v1/jobs/{id}' end,
      'status', case when g % 50 = 0 then 429 when g % 4 = 0 then 202 else 200 end,
      'token_id', 'tok_' || tenant || '_' || (g % 3), 'principal', 'user' || (g % 3) || '@' || tenant || '.example',
      'client_ip', '10.0.' || (g % 256) || '.' || ((g / 256) % 256),
      'user_agent', 'hostplane-cli/0.1.0 Java-http-client/17.0.15', 'duration_ms', g % 120)),
  t + interval '20 milliseconds'
from (
  select g, id, rid, tenant, t,
    case when g % 4 = 0 then '/api/v1/domains/zone' || (g % 50) || '.' || tenant || '.test/dns/records'
         else '/api/v1/jobs/' || md5(id)::uuid end as path
  from (
    select g,
      'syn-' || lpad(g::text, 10, '0') as id,
      'req_' || to_hex(g * 2654435761) as rid,
      case when (g * :export_rows) / :rows > ((g - 1) * :export_rows) / :rows then 'bench-export'
           else 'bench-s' || lpad(((g * 2654435761) % (:tenants - 1))::text, 4, '0') end as tenant,
      :'first_day'::timestamptz + make_interval(secs => (g - 1) * (:days * 86400.0 / :rows)) as t
    from generate_series(1::bigint, :rows::bigint) g
  ) a
) b;
SQL
TOOK[insert]=$(since "$T")
T=$(now)
# Vacuum too, not only analyze: otherwise autovacuum takes up the freshly inserted table during the queries.
"${PSQL[@]}" -c "vacuum (analyze) audit.events"
TOOK[vacuum]=$(since "$T")
"${PSQL[@]}" -t -A -c "select 'synthetic rows: ' || count(*) || ', export tenant: ' || count(*) filter (where tenant = 'bench-export')
  || ', table ' || (select pg_size_pretty(sum(pg_table_size(inhrelid))) from pg_inherits where inhparent = 'audit.events'::regclass)
  || ', indexes ' || (select pg_size_pretty(sum(pg_indexes_size(inhrelid))) from pg_inherits where inhparent = 'audit.events'::regclass)
  || ', ' || (select count(*) from audit.partition_bounds where parent = 'events') || ' partitions of audit.events'
  from audit.events where topic = 'bench.synthetic'"
echo "insert … select: ${TOOK[insert]} s; vacuum (analyze): ${TOOK[vacuum]} s"
T=$(now)
"${BENCH[@]}" query "$API" "$ADMIN_FILE" "$SYN_TENANTS" "$FIRST_DAY" "$SYN_DAYS" "$QUERIES" "$QUERY_WARMUP" "$JDBC" \
  | tee "$DATA/query.out"
TOOK[query]=$(since "$T")
# The API's query (api-service AuditEventStore.find) for one (tenant, day), as the owner: its plan.
DAY=$(date -u -d "$FIRST_DAY + $(( SYN_DAYS / 2 )) days" +%F)
NEXT=$(date -u -d "$DAY + 1 day" +%F)
echo "plan of the API's query for tenant bench-s0001 on $DAY:"
"${PSQL[@]}" -c "explain (analyze, buffers) select seq, event_id, source, type, subject, occurred_at, tenant, request_id, job_id,
  topic, kafka_partition, kafka_offset, event -> 'data' as data,
  coalesce(event -> 'data' ->> 'token_id', event -> 'data' ->> 'actor_token_id') as actor,
  case when type = 'io.hostplane.job.succeeded.v1' then 'succeeded' when type = 'io.hostplane.job.failed.v1' then 'failed'
       when type = 'io.hostplane.job.cancelled.v1' then 'cancelled' when type like 'io.hostplane.job.%' then 'pending'
       when type like 'io.hostplane.command.%' then 'accepted'
       when type = 'io.hostplane.api.request.recorded.v1' then
         case when (event -> 'data' ->> 'status')::int < 400 then 'succeeded' else 'failed' end
       else 'succeeded' end as outcome
  from audit.events where true and tenant = 'bench-s0001' and occurred_at >= '${DAY}T00:00:00Z'
  and occurred_at < '${NEXT}T00:00:00Z' order by occurred_at desc, seq desc limit 50" | sed 's/^/    /'
echo

echo "## 4. Export of the tenant with $EXPORT_ROWS rows"
T=$(now)
if [ -z "$API_PID" ]; then
  echo "(the API shares one JVM with the other services here: set HOSTPLANE_DEV_PROCESSES=true for its own RSS)"
  API_PID=$(pgrep -f 'local-0.1.0-SNAPSHOT-exec.jar' | head -1)
fi
RSS_BEFORE=$(ps -o rss= -p "$API_PID" | xargs)
( while kill -0 "$API_PID" 2>/dev/null; do ps -o rss= -p "$API_PID"; sleep 0.5; done ) > "$DATA/rss-export.txt" &
SAMPLER=$!
EXPORT_URL="$API/audit/export?tenant=bench-export&from=${FIRST_DAY}T00:00:00Z&to=${LAST_DAY}T00:00:00Z"
curl -sS --max-time 3600 -H "Authorization: Bearer $(cat "$ADMIN_FILE")" -o /dev/null \
  -w '%{http_code} %{size_download} %{time_total}\n' "$EXPORT_URL" > "$DATA/export.out"
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
read -r EXPORT_STATUS EXPORT_BYTES EXPORT_SECONDS < "$DATA/export.out"
RSS_PEAK=$(sort -n "$DATA/rss-export.txt" | tail -1)
RSS_AFTER=$(ps -o rss= -p "$API_PID" | xargs)
# The line count, checked once more with a second export through wc (not timed; it would add the pipe).
EXPORT_LINES=$(curl -sS --max-time 3600 -H "Authorization: Bearer $(cat "$ADMIN_FILE")" "$EXPORT_URL" | wc -l)
echo "export: HTTP $EXPORT_STATUS, $EXPORT_LINES lines, $EXPORT_BYTES bytes in $EXPORT_SECONDS s;" \
  "API RSS before $(( RSS_BEFORE / 1024 )) MiB, peak during $(( RSS_PEAK / 1024 )) MiB ($(wc -l < "$DATA/rss-export.txt") samples), after $(( RSS_AFTER / 1024 )) MiB"
TOOK[export]=$(since "$T")
echo

r() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}'; }
f0() { awk -v a="$1" 'BEGIN {printf "%.0f", a}'; }
f1() { awk -v a="$1" 'BEGIN {printf "%.1f", a}'; }
f2() { awk -v a="$1" 'BEGIN {printf "%.2f", a}'; }
I=$DATA/ingest.out R=$DATA/replay-first.out F=$DATA/replay-file.out Q=$DATA/query.out
echo "## Audit benchmarks: $EVENTS events, $ROWS synthetic rows, $EXPORT_ROWS exported ($(date -u +%Y-%m-%dT%H:%MZ))"
echo
echo "| what | figure | target |"
echo "| --- | --- | --- |"
echo "| ingest, backlog: $EVENTS request records ($AUDIT_TENANTS tenants) sent to \`hostplane.audit\` in one Kafka transaction, its commit → all in \`audit.events\` | $(f0 "$(val ingest_rate "$I")") events/s ($(f1 "$(val ingest_seconds "$I")") s) | — |"
echo "| ingest, live: as many more sent while the ingestor runs, first send → all stored (the sender shares the cores) | $(f0 "$(val live_rate "$I")") events/s ($(f1 "$(val live_seconds "$I")") s; sending alone $(f0 "$(val produce_rate "$I")")/s; the $(val drain_events "$I") left after the last acknowledgement stored at $(f0 "$(val drain_rate "$I")")/s) | — |"
echo "| COPY of the backlog's rows into **same-definition scratch tables** (\`like audit.events including all\`, and \`audit.event_ids\` likewise; the real ones refuse duplicates), COPY in only | $(f0 "$(val copy_rate "$I")") events/s ($(f1 "$(val copy_seconds "$I")") s; \`events\` alone $(f0 "$(val copy_events_rate "$I")") rows/s) | — |"
echo "| ingest / COPY | **$(r "$(val ingest_rate "$I")" "$(val copy_rate "$I")")** (live: $(r "$(val live_rate "$I")" "$(val copy_rate "$I")")) | ≥ 0.5 |"
echo "| replay job, \`hostplane.audit\` → topic \`hostplane.replay.bench\`, 202 → \`succeeded\` seen, $REPLAY_PAIRS times (topic made, code warm) | $(printf '%s ' "${PAIR_RATES[@]}" | awk '{for (i = 1; i <= NF; i++) printf "%s%.0f", (i > 1 ? ", " : ""), $i}') records/s, median $(f0 "$REPLAY_MEDIAN") ($(val replay_read "$DATA/replay-1.out") read, $(val replay_written "$DATA/replay-1.out") written in the first of them, $(f1 "$(val replay_seconds "$DATA/replay-1.out")") s) | — |"
echo "| Kafka ConsumerPerformance, same topic, ${PERF_NS[0]} records, right after each replay | $(printf '%s ' "${PERF_RATES[@]}" | awk '{for (i = 1; i <= NF; i++) printf "%s%.0f", (i > 1 ? ", " : ""), $i}') records/s, median $(f0 "$PERF_RATE") (group joins of ${PERF_JOINS[*]} ms included; fetch only, median $(f0 "$PERF_FETCH_RATE")/s) | — |"
echo "| replay / ConsumerPerformance | **$RATIO_MEDIAN** (median of the pairs ${PAIR_RATIOS[*]}; median replay against median fetch-only rate: $(r "$REPLAY_MEDIAN" "$PERF_FETCH_RATE")) | ≥ 0.5 |"
echo "| the first replay after the service started (its producer path not yet compiled) | $(f0 "$(val replay_rate "$R")") records/s ($(val replay_read "$R") read, $(f1 "$(val replay_seconds "$R")") s; job's own start → finish $(f1 "$(val replay_job_seconds "$R")") s); / median ConsumerPerformance: $(r "$(val replay_rate "$R")" "$PERF_RATE") | (reference) |"
echo "| replay into a file (reference) | $(f0 "$(val replay_rate "$F")") records/s ($(val replay_read "$F") records, $FILE_LINES lines, $(( FILE_BYTES / 1048576 )) MiB, $(f1 "$(val replay_seconds "$F")") s) | — |"
echo "| $ROWS synthetic rows: one \`insert … select … generate_series\`, then \`vacuum (analyze)\` | ${TOOK[insert]} s + ${TOOK[vacuum]} s | — |"
echo "| \`GET /audit/events?tenant&from=<day>&to=<day+1>&limit=50\`, $(val query_count "$Q") random (tenant, day) pairs, 1 client | p50 $(f1 "$(val query_p50 "$Q")") ms, p90 $(f1 "$(val query_p90 "$Q")") ms, **p99 $(f1 "$(val query_p99 "$Q")") ms**, max $(f1 "$(val query_max "$Q")") ms; $(val query_errors "$Q") non-200; $(f1 "$(val query_items "$Q")") items a page | p99 ≤ 100 ms |"
echo "| \`GET /system/hello\` in the same loop (what any authenticated request costs here) | p50 $(f1 "$(val hello_p50 "$Q")") ms, p99 $(f1 "$(val hello_p99 "$Q")") ms | (reference) |"
echo "| the API's SQL for the same pairs over JDBC, 1 connection (the database's share) | p50 $(f2 "$(val sql_p50 "$Q")") ms, p99 $(f2 "$(val sql_p99 "$Q")") ms | (reference) |"
echo "| \`GET /audit/export\` of one tenant, $EXPORT_ROWS rows, curl to /dev/null | $(f0 "$(awk -v n="$EXPORT_LINES" -v s="$EXPORT_SECONDS" 'BEGIN {print n / s}')") lines/s ($EXPORT_LINES lines, $(( EXPORT_BYTES / 1048576 )) MiB, $(f1 "$EXPORT_SECONDS") s, HTTP $EXPORT_STATUS) | — |"
echo "| API RSS, before / peak during the export (sampled every 0.5 s) | $(( RSS_BEFORE / 1024 )) / $(( RSS_PEAK / 1024 )) MiB | flat with the export's size |"
echo
echo "time per part: ingest+COPY ${TOOK[ingest]} s, replays ${TOOK[replay]} s, insert ${TOOK[insert]} s, vacuum ${TOOK[vacuum]} s, queries ${TOOK[query]} s, export ${TOOK[export]} s"
echo "load after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data folder: $DATA ($(du -sh "$DATA/postgres" | cut -f1) of PostgreSQL data, removed on exit unless AUDIT_KEEP_DATA=true)"
