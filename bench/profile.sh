#!/usr/bin/env bash
# Where one job's CPU goes inside the platform JVM, by stage: the platform (one JVM) is warmed up, then job
# creations are offered open loop at RATE for SECONDS with nobody polling, and the JVM's threads are read from
# /proc before and after (named by `jcmd Thread.print`, grouped by bench/threads.py: HTTP, PostgreSQL client,
# publishing, folding, worker, audit, Kafka I/O, JIT, GC…), beside the Kafka broker's and PostgreSQL's CPU
# (bench/costs.sh). With PROFILE=jfr a JDK Flight Recorder profile of the window is kept and its hottest frames
# printed. MODE=latency measures the window with clients that follow each job with long polls of
# GET /jobs/{id}?wait=…&until=terminal until it has succeeded (as bench/jobs.sh's latency phase does) instead of nobody polling.
# Bounded in count and time like every load loop.
#
#   bench/profile.sh [RATE] [SECONDS] [WARMUP_SECONDS]     e.g. bench/profile.sh 200 20 30
#   MODE=latency bench/profile.sh 50 30 120
set -euo pipefail
RATE=${1:-200}
SECONDS_PER=${2:-20}
WARMUP=${3:-30}
export HOSTPLANE_DEV_PG_STAT_STATEMENTS=${HOSTPLANE_DEV_PG_STAT_STATEMENTS:-true}
BENCH_MANUAL_START=1
# shellcheck source=bench/platform.sh
source "$(dirname "${BASH_SOURCE[0]}")/platform.sh"
# shellcheck source=bench/costs.sh
source "$ROOT/bench/costs.sh"
trap 'costs_stop_sampler; platform_stop' EXIT

RUN="$(mktemp -d "${TMPDIR:-/tmp}/hostplane-profile.XXXXXX")"
RESULTS="$RUN/results.txt"
: > "$RESULTS"
export PGPASSWORD=hostplane
PSQL=(env PGOPTIONS="-c client_min_messages=warning" psql -X -q -t -A -h 127.0.0.1 -p 15432 -U hostplane -d hostplane)

platform_start
new_token '{"limit":1000000,"period_seconds":1}' > "$DATA/bench-token"
costs_init
ZONES=example.test
for i in $(seq 1 11); do
  curl -s -o /dev/null -X POST -H "Authorization: Bearer $(cat "$DATA/bench-token")" -H 'Content-Type: application/json' \
    -d "{\"name\":\"bench$i.test\"}" "$API/domains"
  ZONES="$ZONES,bench$i.test"
done
for _ in $(seq 1 60); do
  [ "$("${PSQL[@]}" -c "select count(*) from api.domains where status = 'active'")" = 12 ] && break
  sleep 1
done
JVM="$(pgrep -f 'local-0.1.0-SNAPSHOT-exec.jar' | head -1)"
MODE=${MODE:-offer}
case "$MODE" in offer|latency) ;; *) echo "profile: MODE is offer or latency" >&2; exit 2 ;; esac
offer() { # KEY SECONDS [MODE]
  java -Xmx512m -Dzones="$ZONES" -Dbench.results="$RESULTS" -Dbench.key="$1" -cp "$CP" io.hostplane.bench.JobBench \
    "${3:-offer}" http://127.0.0.1:8080 "$DATA/bench-token" "$RATE" "$2"
}
drain() {
  for _ in $(seq 1 300); do
    [ "$("${PSQL[@]}" -c "select count(*) from api.jobs where status in ('queued','running')")" = 0 ] && return
    sleep 1
  done
}

machine
echo "platform JVM $JVM: ${BENCH_JAVA_OPTS[*]:-the defaults of ./hostplane dev}; $RATE jobs/s offered for $SECONDS_PER s after $WARMUP s of warm-up ($MODE: $([ "$MODE" = latency ] && echo "clients poll each job until it succeeds" || echo "nobody polls"))"
echo
offer warmup "$WARMUP" "$MODE" > /dev/null
drain
sleep 2

BEFORE_JOBS="$("${PSQL[@]}" -c "select count(*) from api.jobs")"
python3 "$ROOT/bench/threads.py" snapshot "$JVM" > "$RUN/threads-before.json"
POSTMASTER="$(head -1 "$DATA/postgres/data/postmaster.pid")"
PG_AS_OWNER=(env PGOPTIONS="-c client_min_messages=warning" psql -X -q -t -A -h 127.0.0.1 -p 15432 -U hostplane -d postgres)
python3 "$ROOT/bench/pgprocs.py" snapshot "$POSTMASTER" "${PG_AS_OWNER[@]}" > "$RUN/pg-before.json"
if [ "${PROFILE:-}" = jfr ]; then
  jcmd "$JVM" JFR.start name=profile settings=profile filename="$RUN/window.jfr" > /dev/null
fi
costs_begin profile
offer window "$SECONDS_PER" "$MODE"
costs_end profile
if [ "${PROFILE:-}" = jfr ]; then
  jcmd "$JVM" JFR.stop name=profile > /dev/null
fi
python3 "$ROOT/bench/threads.py" snapshot "$JVM" > "$RUN/threads-after.json"
python3 "$ROOT/bench/pgprocs.py" snapshot "$POSTMASTER" "${PG_AS_OWNER[@]}" > "$RUN/pg-after.json"
JOBS=$(( $("${PSQL[@]}" -c "select count(*) from api.jobs") - BEFORE_JOBS ))

echo
echo "## Where the platform JVM's CPU went, by stage ($JOBS jobs)"
echo
python3 "$ROOT/bench/threads.py" report "$RUN/threads-before.json" "$RUN/threads-after.json" "$JOBS"
echo
echo "## Where PostgreSQL's CPU went ($JOBS jobs)"
echo
python3 "$ROOT/bench/pgprocs.py" report "$RUN/pg-before.json" "$RUN/pg-after.json" "$JOBS"
if [ "${PROFILE:-}" = jfr ]; then
  echo
  echo "## Hottest frames of the window (JFR execution samples, top of stack), $RUN/window.jfr"
  echo
  jfr print --events jdk.ExecutionSample "$RUN/window.jfr" \
    | awk '/stackTrace = \[/ {getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); top[$0]++; n++}
           END {for (f in top) printf "%6d %5.1f%%  %s\n", top[f], 100.0 * top[f] / n, f}' \
    | sort -rn | head -40
fi
