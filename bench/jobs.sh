#!/usr/bin/env bash
# The job benchmark of issue 16, in one run on this machine, measured from outside the platform (processes,
# pg_stat_*, topic end offsets, table counts) so that it holds whatever the job path looks like inside:
# what one job costs (CPU of each platform process beside the machine's, PostgreSQL commits and statements,
# Kafka records, audit rows), how fast one job is on an idle platform, 202 -> succeeded visible at fixed
# open-loop rates, the highest rate the platform sustains, acceptance alone, and each service's memory —
# each beside authenticated GET /system/hello measured in the same run. Ends with a summary table: figure,
# measured, target, met. Needs psql (and pgbench for that phase): Debian's postgresql-client.
#
#   bench/jobs.sh [SECONDS] [CONCURRENCY] [RATES]     e.g. bench/jobs.sh 30 8 "50 200"
#
# SECONDS per measured phase (default 30), CONCURRENCY of the closed loops (8), RATES of the open loops
# (jobs/s, "50 200"). PHASES picks phases (default: all of issue 16's, run in this order):
#   hello       authenticated GET /system/hello, closed loop: the reference
#   idle        one client, one job at a time on an idle platform (IDLE_JOBS, default 200): time to the 202
#               and 202 -> succeeded visible
#   latency     open loop at each of RATES: due -> succeeded visible, and the window's costs per job (the
#               clients' long polls of GET /jobs/{id}?until=terminal included: about one per job)
#   costs       the costs per job again at COST_RATE (200) jobs/s with nobody polling: the job path alone
#   sustain     the highest offered rate at which the non-terminal jobs do not grow: steps of
#               SUSTAIN_SECONDS (60) at SUSTAIN_FRACTIONS of the hello rate ("0.05 0.1 0.2 0.3 0.4 0.5"),
#               or at SUSTAIN_RATES (jobs/s), up to the first step that does not hold
#   acceptonly  a second platform without workers (HOSTPLANE_DEV_WORKERS=0): acceptance beside hello there
#   memory      a third platform with a process per service (HOSTPLANE_DEV_PROCESSES=true): resident memory
#               and costs of each service at MEMORY_RATE (200) jobs/s
#   kafka       Kafka's own produce-to-consume round trip (reference)
# and issue 4's on request: pgbench (the job row inserted by pgbench beside acceptance), accept (closed-loop
# acceptance with the workers running), polling (GET /jobs/{id} 200 and 304).
#   e.g.  PHASES=idle bench/jobs.sh          PHASES="latency" bench/jobs.sh 10 8 200
#         PHASES="hello sustain" SUSTAIN_SECONDS=20 SUSTAIN_RATES="50 100" bench/jobs.sh 10
# WARMUP_SECONDS (240) of hello and jobs warm each platform up before its first measured phase (0: cold; the JIT
# compiler is still busy after 90 s). A full run takes about 30 minutes.
# BENCH_JVM=dev measures with ./hostplane dev's own JVM options instead of the server-grade ones.
# BENCH_KEEP_DATA=true keeps each platform's database and broker data (by default only the logs and the
# measurement files stay in its data folder).
set -euo pipefail
SECONDS_PER=${1:-30}
CONCURRENCY=${2:-8}
RATES=${3:-"50 200"}
PHASES=" ${PHASES:-hello idle latency costs sustain acceptonly memory kafka} "
IDLE_JOBS=${IDLE_JOBS:-200}
SUSTAIN_SECONDS=${SUSTAIN_SECONDS:-60}
SUSTAIN_FRACTIONS=${SUSTAIN_FRACTIONS:-"0.05 0.1 0.2 0.3 0.4 0.5"}
SUSTAIN_RATES=${SUSTAIN_RATES:-}
MEMORY_RATE=${MEMORY_RATE:-200}
COST_RATE=${COST_RATE:-200}
# Drains between phases and the sustain steps' backlog wait at most this long (bounded, like every loop).
DRAIN_SECONDS=${DRAIN_SECONDS:-300}
# Each platform is warmed up this long before anything on it is measured (0: measure cold JVMs).
WARMUP_SECONDS=${WARMUP_SECONDS:-240}

# pg_stat_statements, for the statements per job (bench/costs.sh): the embedded PostgreSQL loads it when asked.
export HOSTPLANE_DEV_PG_STAT_STATEMENTS=${HOSTPLANE_DEV_PG_STAT_STATEMENTS:-true}
BENCH_MANUAL_START=1
# shellcheck source=bench/platform.sh
source "$(dirname "${BASH_SOURCE[0]}")/platform.sh"
# shellcheck source=bench/costs.sh
source "$ROOT/bench/costs.sh"
# Each platform's database, broker data and PostgreSQL binaries go once it has stopped (three platforms a run).
stop_stack() {
  platform_stop
  if [ -n "$DATA" ] && [ "${BENCH_KEEP_DATA:-false}" != true ]; then
    rm -rf "$DATA/postgres/data" "$DATA/kafka/logs" "$DATA/pg-bin"
  fi
}
trap 'costs_stop_sampler; stop_stack' EXIT

has() { [[ "$PHASES" == *" $1 "* ]]; }
if has pgbench; then
  command -v pgbench >/dev/null || { echo "bench: pgbench is missing (apt-get install postgresql-client)" >&2; exit 1; }
fi
command -v psql >/dev/null || { echo "bench: psql is missing (apt-get install postgresql-client)" >&2; exit 1; }

RUN="$(mktemp -d "${TMPDIR:-/tmp}/hostplane-jobs.XXXXXX")"
# "key value" lines from every phase (JobBench -Dbench.results, costs_end), read by the summary.
RESULTS="$RUN/results.txt"
: > "$RESULTS"
result() { awk -v k="$1" '$1 == k {v = $2} END {print v}' "$RESULTS"; }
record() { echo "$1 $2" >> "$RESULTS"; }

export PGPASSWORD=hostplane
PSQL=(env PGOPTIONS="-c client_min_messages=warning" psql -X -q -t -A -h 127.0.0.1 -p 15432 -U hostplane -d hostplane)
active_jobs() { "${PSQL[@]}" -c "select count(*) from api.jobs where status in ('queued','running')"; }
# Waits (at most DRAIN_SECONDS) until no job is queued or running; prints what is left.
drain() {
  local left
  for _ in $(seq 1 "$DRAIN_SECONDS"); do
    left=$(active_jobs)
    [ "$left" = 0 ] && break
    sleep 1
  done
  echo "$left"
}
jobbench() { # KEY MODE ARGS…: a JobBench run whose figures land in RESULTS under KEY
  java -Xmx512m -Dzones="$ZONES" -Dbench.results="$RESULTS" -Dbench.key="$1" -cp "$CP" io.hostplane.bench.JobBench \
    "${@:2}"
}

# A platform and what the job phases need on it: a bench token (minted by the operator, bench/platform.sh)
# and the zones jobs go to, round robin (one zone is one partition, applied in order): example.test and
# eleven more, unless the platform runs no worker (a new zone is itself a job then, never applied).
start_stack() {
  platform_start "$@"
  new_token '{"limit":1000000,"period_seconds":1}' > "$DATA/bench-token"
  costs_init
  ZONES=example.test
  if [[ " $* " != *" HOSTPLANE_DEV_WORKERS=0 "* ]]; then
    for i in $(seq 1 11); do
      curl -s -o /dev/null -X POST -H "Authorization: Bearer $(cat "$DATA/bench-token")" -H 'Content-Type: application/json' \
        -d "{\"name\":\"bench$i.test\"}" "$API/domains"
      ZONES="$ZONES,bench$i.test"
    done
    for _ in $(seq 1 60); do
      [ "$("${PSQL[@]}" -c "select count(*) from api.domains where status = 'active'")" = 12 ] && break
      sleep 1
    done
  fi
  if grep -qE "^  (api|worker|audit) +process [0-9]+" "$DATA/platform.log"; then
    echo "platform: api, worker and audit in JVMs of their own"
  else
    echo "platform: one JVM (api, worker, audit)"
  fi
  echo "JVM options: ${BENCH_JAVA_OPTS[*]:-the defaults of ./hostplane dev}"
  echo "zones: $ZONES; data: $DATA"
  echo
}

# warm_up jobs|accept: the platform's JVMs compile the paths the phases measure before anything is measured (a
# fresh JVM answers at half speed or less for its first minute: hello measured cold was 312 requests/s, 600+
# warm). A third of WARMUP_SECONDS of hello, the rest jobs (created and polled at 100/s, or accepted only on a
# platform without workers), then a drain; nothing of it is reported.
warm_up() {
  [ "$WARMUP_SECONDS" -gt 0 ] || return 0
  local third=$(( (WARMUP_SECONDS + 2) / 3 ))
  echo "(warming up for $WARMUP_SECONDS s: hello, then $1)"
  jobbench warmup_hello hello http://127.0.0.1:8080 "$DATA/bench-token" "$third" "$CONCURRENCY" > /dev/null
  if [ "$1" = jobs ]; then
    jobbench warmup_jobs latency http://127.0.0.1:8080 "$DATA/bench-token" 100 "$(( WARMUP_SECONDS - third ))" > /dev/null
    drain > /dev/null
  else
    jobbench warmup_accept accept http://127.0.0.1:8080 "$DATA/bench-token" "$(( WARMUP_SECONDS - third ))" "$CONCURRENCY" > /dev/null
  fi
  echo
}

machine
echo "run: SECONDS=$SECONDS_PER CONCURRENCY=$CONCURRENCY RATES=\"$RATES\" PHASES=\"${PHASES# }\"; results in $RUN"
echo

# ---- The first platform: one JVM (or what HOSTPLANE_DEV_PROCESSES says), workers running. ----
if has hello || has idle || has latency || has costs || has sustain || has pgbench || has accept || has polling || has kafka; then
  start_stack
  warm_up jobs

  if has hello; then
    echo "## Authenticated GET /api/v1/system/hello, $CONCURRENCY clients, ${SECONDS_PER} s (the reference)"
    jobbench hello hello http://127.0.0.1:8080 "$DATA/bench-token" "$SECONDS_PER" "$CONCURRENCY"
    echo
  fi

  if has idle; then
    echo "## One job at a time on an idle platform ($IDLE_JOBS jobs, at most $((SECONDS_PER * 4)) s)"
    jobbench idle serial http://127.0.0.1:8080 "$DATA/bench-token" "$IDLE_JOBS" "$((SECONDS_PER * 4))"
    echo
  fi

  if has pgbench; then
    echo "## Acceptance beside pgbench ($CONCURRENCY clients, ${SECONDS_PER} s)"
    # The same row as a job acceptance writes to api.jobs, into a scratch copy of the table, one per transaction.
    "${PSQL[@]}" -c "create schema if not exists bench_scratch; drop table if exists bench_scratch.job_rows;
      create table bench_scratch.job_rows (like api.jobs including defaults including indexes);"
    cat > "$RUN/job-row.sql" <<'SQL'
insert into bench_scratch.job_rows (id, tenant_id, type, status, resource, request_id, token_id)
values (gen_random_uuid(), 't_bench', 'dns.record.create', 'queued', 'domains/example.test/dns/records/x', 'r', 'tok_bench');
SQL
    pgbench -n -h 127.0.0.1 -p 15432 -U hostplane -c "$CONCURRENCY" -j 2 -T "$SECONDS_PER" -f "$RUN/job-row.sql" hostplane \
      2>/dev/null | grep -E "^tps|latency average"
    "${PSQL[@]}" -c "drop schema bench_scratch cascade;"
    has accept || jobbench accept accept http://127.0.0.1:8080 "$DATA/bench-token" "$SECONDS_PER" "$CONCURRENCY"
    echo "active jobs left after draining: $(drain)"
    echo
  fi

  if has accept; then
    echo "## Acceptance, closed loop, workers running ($CONCURRENCY clients, ${SECONDS_PER} s)"
    jobbench accept accept http://127.0.0.1:8080 "$DATA/bench-token" "$SECONDS_PER" "$CONCURRENCY"
    echo "active jobs left after draining: $(drain)"
    echo
  fi

  if has latency; then
    for RATE in $RATES; do
      echo "## 202 -> succeeded visible at $RATE jobs/s for ${SECONDS_PER} s (open loop), and what each job cost"
      T0=$("${PSQL[@]}" -c "select now()")
      costs_begin "latency_$RATE"
      jobbench "latency_$RATE" latency http://127.0.0.1:8080 "$DATA/bench-token" "$RATE" "$SECONDS_PER"
      costs_end "latency_$RATE"
      # The same jobs as the platform recorded them (the job's own created_at and finished_at): how much of
      # due -> visible was the job path itself, and how much acceptance and seeing the outcome.
      echo
      "${PSQL[@]}" -F ' ' -c "select percentile_cont(0.5) within group (order by ms), percentile_cont(0.99) within group (order by ms)
        from (select extract(epoch from finished_at - created_at) * 1000 as ms from api.jobs
               where created_at >= '$T0' and status = 'succeeded') j" \
        | awk -v k="latency_$RATE" -v results="$RESULTS" '{
            printf "as the jobs record it, created_at -> finished_at: p50 %.1f ms, p99 %.1f ms\n", $1, $2
            printf "%s.recorded_p50_ms %.1f\n%s.recorded_p99_ms %.1f\n", k, $1, k, $2 >> results }'
      LEFT=$(drain)
      record "latency_$RATE.left" "$LEFT"
      echo
      echo "queued or running after the run and a drain of at most ${DRAIN_SECONDS} s: $LEFT"
      echo
    done
  fi

  if has costs; then
    echo "## What each job cost at $COST_RATE jobs/s for ${SECONDS_PER} s (open loop, submitted only: nobody polls)"
    costs_begin costs
    jobbench costs offer http://127.0.0.1:8080 "$DATA/bench-token" "$COST_RATE" "$SECONDS_PER"
    costs_end costs
    echo
    echo "queued or running after the run and a drain of at most ${DRAIN_SECONDS} s: $(drain)"
    echo
  fi

  if has sustain; then
    HELLO=$(result hello.per_second)
    if [ -z "$SUSTAIN_RATES" ]; then
      if [ -n "$HELLO" ]; then
        SUSTAIN_RATES=$(awk -v h="$HELLO" -v f="$SUSTAIN_FRACTIONS" 'BEGIN {n = split(f, a, " "); for (i = 1; i <= n; i++) printf "%d ", a[i] * h + 0.5}')
      else
        SUSTAIN_RATES="50 100 200 400"
      fi
    fi
    echo "## Highest sustained rate: open loop steps of ${SUSTAIN_SECONDS} s (jobs/s: $SUSTAIN_RATES), up to the first that does not hold"
    echo
    echo "A step holds when at least 95% of its jobs were accepted and the non-terminal jobs (queued, running) did"
    echo "not grow over its second half (least-squares slope at most 2% of the rate, or 1 job/s)."
    echo
    echo "| offered jobs/s | accepted | accepted/s | due -> 202 p99 ms | non-terminal at half time | at the end | slope jobs/s | holds |"
    echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    BEST=0
    for RATE in $SUSTAIN_RATES; do
      [ "$RATE" -ge 1 ] || continue
      LEFT=$(drain)
      [ "$LEFT" = 0 ] || { echo "(the previous step's backlog did not drain: $LEFT left)"; break; }
      jobbench "sustain_$RATE" offer http://127.0.0.1:8080 "$DATA/bench-token" "$RATE" "$SUSTAIN_SECONDS" > "$RUN/sustain-$RATE.out" &
      OFFER=$!
      T0=${EPOCHREALTIME/[.,]/}
      : > "$RUN/sustain-$RATE.samples"
      # The non-terminal count every second while the step runs (bounded: the step's length and 40 s more).
      for _ in $(seq 1 $((SUSTAIN_SECONDS + 40))); do
        kill -0 "$OFFER" 2>/dev/null || break
        echo "$(( (${EPOCHREALTIME/[.,]/} - T0) / 1000 )) $(active_jobs)" >> "$RUN/sustain-$RATE.samples"
        sleep 1
      done
      wait "$OFFER" || true
      read -r HALF END SLOPE < <(awk -v s="$SUSTAIN_SECONDS" '
        $1 >= s * 500 && $1 <= s * 1000 + 1000 {
          if (!started) { half = $2; started = 1 }
          end = $2; x = $1 / 1000; n++; sx += x; sy += $2; sxx += x * x; sxy += x * $2
        }
        END { d = n * sxx - sx * sx; printf "%d %d %.2f\n", half, end, (d > 0 ? (n * sxy - sx * sy) / d : 0) }
      ' "$RUN/sustain-$RATE.samples")
      ACCEPTED=$(result "sustain_$RATE.accepted")
      HOLDS=$(awk -v r="$RATE" -v a="${ACCEPTED:-0}" -v s="$SUSTAIN_SECONDS" -v slope="$SLOPE" \
        'BEGIN {tol = 0.02 * r; if (tol < 1) tol = 1; print ((a >= 0.95 * r * s && slope <= tol) ? "yes" : "no")}')
      printf "| %d | %d | %.0f | %s | %d | %d | %s | %s |\n" "$RATE" "${ACCEPTED:-0}" \
        "$(awk -v a="${ACCEPTED:-0}" -v s="$SUSTAIN_SECONDS" 'BEGIN {print a / s}')" \
        "$(result "sustain_$RATE.accept_p99_ms")" "$HALF" "$END" "$SLOPE" "$HOLDS"
      [ "$HOLDS" = yes ] || break
      BEST=$RATE
    done
    record sustain.best "$BEST"
    echo
    echo "backlog left after the last step and a drain of at most ${DRAIN_SECONDS} s: $(drain)"
    echo
  fi

  if has polling; then
    echo "## Polling"
    jobbench polling polling http://127.0.0.1:8080 "$DATA/bench-token" "$SECONDS_PER" "$CONCURRENCY"
    echo
  fi

  if has kafka; then
    echo "## Kafka's own round trip (EndToEndLatency, acks=all, 512 B, 10000 records, same broker)"
    java -cp "$CP" org.apache.kafka.tools.EndToEndLatency --bootstrap-server 127.0.0.1:19092 --topic bench-round-trip \
      --num-records 10000 --producer-acks all --record-size 512 2>/dev/null | grep -E "Avg latency|Percentiles"
    echo
  fi
  stop_stack
fi

# ---- Acceptance alone: a platform without workers, hello measured on it too. ----
if has acceptonly; then
  echo "## Acceptance alone: no worker consumes (HOSTPLANE_DEV_WORKERS=0), beside hello on the same platform"
  start_stack HOSTPLANE_DEV_WORKERS=0
  warm_up accept
  jobbench acceptonly_hello hello http://127.0.0.1:8080 "$DATA/bench-token" "$SECONDS_PER" "$CONCURRENCY"
  jobbench acceptonly accept http://127.0.0.1:8080 "$DATA/bench-token" "$SECONDS_PER" "$CONCURRENCY"
  echo
  stop_stack
fi

# ---- Each service in a JVM of its own: memory and each service's share of a job. ----
if has memory; then
  echo "## A process per service (HOSTPLANE_DEV_PROCESSES=true) at $MEMORY_RATE jobs/s for ${SECONDS_PER} s"
  start_stack HOSTPLANE_DEV_PROCESSES=true
  warm_up jobs
  costs_begin memory
  jobbench memory latency http://127.0.0.1:8080 "$DATA/bench-token" "$MEMORY_RATE" "$SECONDS_PER"
  costs_end memory
  echo
  stop_stack
fi

# ---- Summary ----
# ratio A B: A / B to two places, or empty when either is missing.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "" && b > 0) printf "%.2f", a / b }'; }
# met VALUE OP LIMIT: yes / no, or "—" when the value is missing.
met() { awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { if (v == "") print "not measured"; else print ((op == "<=" ? v <= l : v >= l) ? "yes" : "no") }'; }
# fmt VALUE FORMAT: VALUE in FORMAT, or "not measured".
# shellcheck disable=SC2059
fmt() { if [ -n "$1" ]; then printf "$2" "$1"; else echo "not measured"; fi; }

HELLO=$(result hello.per_second)
echo "## Summary"
echo
echo "| figure | measured | target | met |"
echo "| --- | --- | --- | --- |"
echo "| authenticated GET /system/hello, $CONCURRENCY clients (the reference) | $(fmt "$HELLO" "%.0f requests/s") | — | |"
CPU200=$(result latency_200.cpu_ms_per_job)
echo "| platform CPU per job at 200 jobs/s, the clients polling each job | $(fmt "$CPU200" "%.2f ms") (machine $(fmt "$(result latency_200.machine_cpu_ms_per_job)" "%.2f ms")) | ≤ 5 ms | $(met "$CPU200" "<=" 5) |"
V=$(result costs.cpu_ms_per_job)
echo "| platform CPU per job at $COST_RATE jobs/s, nobody polling | $(fmt "$V" "%.2f ms") (machine $(fmt "$(result costs.machine_cpu_ms_per_job)" "%.2f ms")) | ≤ 5 ms | $(met "$V" "<=" 5) |"
if [ -n "$V" ]; then
  echo "| … per job at $COST_RATE jobs/s, nobody polling: PostgreSQL commits, statements; Kafka records; audit rows | $(result costs.commits_per_job), $(fmt "$(result costs.statements_per_job)" "%s"); $(result costs.kafka_records_per_job); $(result costs.audit_rows_per_job) | — | |"
fi
if [ -n "$CPU200" ]; then
  echo "| … per job at 200 jobs/s: PostgreSQL commits, statements; Kafka records; audit rows | $(result latency_200.commits_per_job), $(fmt "$(result latency_200.statements_per_job)" "%s"); $(result latency_200.kafka_records_per_job); $(result latency_200.audit_rows_per_job) | — | |"
fi
V=$(result idle.accept_p50_ms)
echo "| idle, one job at a time: request -> 202 p50 / p99 | $(fmt "$V" "%.1f ms") / $(fmt "$(result idle.accept_p99_ms)" "%.1f ms") | p50 ≤ 10 ms | $(met "$V" "<=" 10) |"
echo "| idle, one job at a time: 202 -> succeeded visible p50 / p99 | $(fmt "$(result idle.done_p50_ms)" "%.1f ms") / $(fmt "$(result idle.done_p99_ms)" "%.1f ms") | — | |"
for RATE in $RATES; do
  case $RATE in 50) P50=25 P99=100 ;; 200) P50=50 P99=250 ;; *) P50="" P99="" ;; esac
  # The target is the issue's span, 202 -> succeeded visible; due -> succeeded visible (acceptance and any wait
  # for a free client included) is reported beside it.
  V=$(result "latency_$RATE.done_p50_ms")
  W=$(result "latency_$RATE.done_p99_ms")
  if [ -n "$P50" ]; then
    echo "| $RATE jobs/s open loop: 202 -> succeeded visible p50 / p99 | $(fmt "$V" "%.1f ms") / $(fmt "$W" "%.1f ms") | ≤ $P50 / ≤ $P99 ms | $(met "$V" "<=" "$P50") / $(met "$W" "<=" "$P99") |"
  else
    echo "| $RATE jobs/s open loop: 202 -> succeeded visible p50 / p99 | $(fmt "$V" "%.1f ms") / $(fmt "$W" "%.1f ms") | — | |"
  fi
  V=$(result "latency_$RATE.p50_ms")
  echo "| $RATE jobs/s open loop: due -> succeeded visible p50 / p99 | $(fmt "$V" "%.1f ms") / $(fmt "$(result "latency_$RATE.p99_ms")" "%.1f ms") | — | |"
  if [ -n "$(result "latency_$RATE.recorded_p50_ms")" ]; then
    echo "| $RATE jobs/s: created_at -> finished_at as the jobs record it, p50 / p99 | $(result "latency_$RATE.recorded_p50_ms") ms / $(result "latency_$RATE.recorded_p99_ms") ms | — | |"
  fi
  if [ -n "$V" ]; then
    BAD=$(( $(result "latency_$RATE.due") - $(result "latency_$RATE.succeeded") ))
    echo "| $RATE jobs/s: not succeeded (refused, failed, not done) / left queued or running | $BAD / $(result "latency_$RATE.left") | 0 / 0 | $(met "$(( BAD + $(result "latency_$RATE.left") ))" "<=" 0) |"
  fi
done
BEST=$(result sustain.best)
R=$(ratio "$BEST" "$HELLO")
echo "| highest rate whose non-terminal jobs do not grow, ÷ hello | $(fmt "$BEST" "%d jobs/s") ($(fmt "$R" "%s ×")) | ≥ 0.2 × | $(met "$R" ">=" 0.2) |"
R=$(ratio "$(result acceptonly.per_second)" "$(result acceptonly_hello.per_second)")
echo "| acceptance alone (no worker) ÷ hello on that platform | $(fmt "$(result acceptonly.per_second)" "%.0f") ÷ $(fmt "$(result acceptonly_hello.per_second)" "%.0f requests/s") ($(fmt "$R" "%s ×")) | ≥ 0.5 × | $(met "$R" ">=" 0.5) |"
for SERVICE in api worker audit; do
  V=$(result "memory.rss_mib.$SERVICE")
  echo "| resident memory of $SERVICE at $MEMORY_RATE jobs/s (a process per service), most | $(fmt "$V" "%d MiB") | ≤ 512 MiB | $(met "$V" "<=" 512) |"
done
V=$(result memory.cpu_ms_per_job)
if [ -n "$V" ]; then
  echo "| CPU per job at $MEMORY_RATE jobs/s, a process per service: api / worker / audit / launcher / Kafka / PostgreSQL | $(for p in api worker audit launcher kafka postgres; do printf "%.2f " "$(result "memory.cpu_ms_per_job.$p")"; done | sed 's/ $//; s/ / \/ /g') ms (total $(fmt "$V" "%.2f") ms) | — | |"
fi
