# shellcheck shell=bash
# Sourced by bench/jobs.sh after bench/platform.sh (needs DATA, PLATFORM, CP): what a window of job load
# cost, per job, measured from outside the platform so that it holds whatever the job path looks like inside.
#
#   costs_init                 once per platform start (pg_stat_statements in the postgres database)
#   costs_begin NAME           start of a window
#   … load …
#   costs_end NAME [KEY]       waits (bounded) until the jobs are done and the audit log has caught up, ends the
#                              window and prints its tables; the figures also go to $RESULTS as KEY.* (KEY
#                              defaults to NAME), where bench/jobs.sh's summary reads them
#
# Per window: CPU time of each platform process from /proc (the one platform JVM, or api, worker and audit
# and the launcher with HOSTPLANE_DEV_PROCESSES=true; the Kafka broker JVM; PostgreSQL: the postmaster and
# all its backends, the exited ones through the postmaster's cutime/cstime, the live ones through their own
# utime/stime) beside the whole machine's busy CPU (/proc/stat); PostgreSQL commits of the platform database
# (pg_stat_database) and statements (pg_stat_statements, its top 15 by calls); Kafka records produced (end
# offsets of every hostplane.* topic, transaction markers included); audit rows (audit.events); the jobs
# created (api.jobs) divide them. Resident memory of each JVM is sampled every second (maximum reported).
#
# Order matters: the probes that start a JVM (Kafka's GetOffsetShell) or open database sessions run before
# the CPU counters are read at the start and after they are read at the end, so that they cost the window
# nothing. Our own database sessions connect as the superuser to the postgres database: their commits are
# not the platform database's, and their statements are left out by database and user.

COSTS_DIR=""
COSTS_SETTLE_SECONDS=${COSTS_SETTLE_SECONDS:-60}
CLK_TCK=$(getconf CLK_TCK)
# psql as the embedded cluster's superuser (trust on 127.0.0.1): pg_stat_statements shows other users'
# statements only to it, and it reads every schema.
COSTS_PSQL=(env PGOPTIONS="-c client_min_messages=warning" psql -X -q -t -A -h 127.0.0.1 -p 15432 -U postgres)

costs_init() {
  COSTS_DIR="$DATA/costs"
  mkdir -p "$COSTS_DIR"
  COSTS_PSS=0
  if "${COSTS_PSQL[@]}" -d postgres -c "create extension if not exists pg_stat_statements" >/dev/null 2>&1 \
    && "${COSTS_PSQL[@]}" -d postgres -c "select count(*) from pg_stat_statements" >/dev/null 2>&1; then
    COSTS_PSS=1
  else
    echo "costs: pg_stat_statements is not loaded (HOSTPLANE_DEV_PG_STAT_STATEMENTS=true loads it); statements are not counted" >&2
  fi
}

# The processes to measure, one "name pid" per line.
costs_processes() {
  if grep -qE "^  (api|worker|audit) +process [0-9]+" "$DATA/platform.log"; then
    grep -E "^  (api|worker|audit) +process [0-9]+" "$DATA/platform.log" | awk '{print $1, $3}'
    echo "launcher $PLATFORM"
  else
    echo "platform $PLATFORM"
  fi
  # The broker is the launcher's child JVM whose log folder is this platform's data folder.
  local kafka
  kafka="$(pgrep -f -- "-Dkafka.logs.dir=$DATA/kafka .*kafka.Kafka" | head -1 || true)"
  [ -n "$kafka" ] && echo "kafka $kafka"
  echo "postgres $(head -1 "$DATA/postgres/data/postmaster.pid")"
}

# Clock ticks a process used so far, read with shell builtins only (no process started while measuring):
# fields 14-17 of /proc/PID/stat are utime, stime, cutime, cstime; the text after the last ')' starts at
# field 3. TICKS = utime + stime, CHILD_TICKS = cutime + cstime (0 when the process is gone).
TICKS=0
CHILD_TICKS=0
read_ticks() {
  local line f
  TICKS=0
  CHILD_TICKS=0
  { read -r line < "/proc/$1/stat"; } 2>/dev/null || return 0
  read -ra f <<< "${line##*) }"
  TICKS=$((f[11] + f[12]))
  CHILD_TICKS=$((f[13] + f[14]))
}

# PostgreSQL's ticks: the postmaster's own, its reaped children's (cutime + cstime: every backend that
# ended) and its live children's own.
postgres_ticks() {
  local pm=$1 total stat line f
  read_ticks "$pm"
  total=$((TICKS + CHILD_TICKS))
  for stat in /proc/[0-9]*/stat; do
    { read -r line < "$stat"; } 2>/dev/null || continue
    read -ra f <<< "${line##*) }"
    [ "${f[1]}" = "$pm" ] && total=$((total + f[11] + f[12]))
  done
  echo "$total"
}

costs_machine() {
  awk '/^cpu / {busy = $2 + $3 + $4 + $7 + $8 + $9; print "machine_busy", busy; print "machine_total", busy + $5 + $6}' /proc/stat
}

# "name ticks" for each process, the machine's busy and total ticks (all CPUs; busy = user + nice + system
# + irq + softirq + steal) and the time. The machine is read last at the start of a window and first at its
# end, so that reading the processes costs the window nothing.
costs_cpu_snapshot() {
  local name pid
  [ "$1" = end ] && costs_machine
  while read -r name pid; do
    if [ "$name" = postgres ]; then
      echo "$name $(postgres_ticks "$pid")"
    else
      read_ticks "$pid"
      echo "$name $TICKS"
    fi
  done < "$COSTS_DIR/processes"
  [ "$1" = begin ] && costs_machine
  echo "wall_ms $(date +%s%3N)"
}

# Commits of the platform database; statements by the platform's users there (BEGIN/COMMIT/ROLLBACK counted
# apart); jobs, non-terminal jobs and audit rows.
# (Our one session in the platform database commits once: it runs before the commits are read at the start
# of a window and after at its end.)
costs_pg_snapshot() {
  [ "$1" = begin ] && costs_pg_counts
  "${COSTS_PSQL[@]}" -d postgres -F ' ' -c "select 'commits', xact_commit from pg_stat_database where datname = 'hostplane'
    union all select 'rollbacks', xact_rollback from pg_stat_database where datname = 'hostplane'"
  if [ "$COSTS_PSS" = 1 ]; then
    "${COSTS_PSQL[@]}" -d postgres -F ' ' -c "select 'statements', coalesce(sum(calls), 0) from $(costs_pss_rows p)
      union all select 'statements_txn', coalesce(sum(calls), 0) from $(costs_pss_rows p)
        where query ~* '^\s*(begin|start transaction|commit|rollback|end)\M'"
  fi
  [ "$1" = end ] && costs_pg_counts
  return 0
}

costs_pg_counts() {
  "${COSTS_PSQL[@]}" -d hostplane -F ' ' -c "select 'jobs', count(*) from api.jobs
    union all select 'active', count(*) from api.jobs where status in ('queued', 'running')
    union all select 'audit_rows', (select count(*) from audit.events)"
}

# The platform's rows of pg_stat_statements, as ALIAS: its database, not our superuser.
costs_pss_rows() {
  echo "(select * from pg_stat_statements where dbid = (select oid from pg_database where datname = 'hostplane')
    and userid <> 'postgres'::regrole) $1"
}

# "topic records" for each hostplane.* topic: the sum of its partitions' end offsets.
costs_kafka_snapshot() {
  java -Xmx64m -XX:TieredStopAtLevel=1 -cp "$CP" org.apache.kafka.tools.GetOffsetShell \
    --bootstrap-server 127.0.0.1:19092 --topic-partitions 'hostplane\..*' --time latest 2>/dev/null \
    | awk -F: '/^hostplane\.[^:]+:[0-9]+:[0-9]+$/ {sum[$1] += $3} END {for (t in sum) printf "kafka:%s %d\n", t, sum[t]}' | sort
}

costs_begin() {
  local name=$1
  [ -n "$COSTS_DIR" ] || costs_init
  costs_processes > "$COSTS_DIR/processes"
  costs_kafka_snapshot > "$COSTS_DIR/$name.kafka0"
  if [ "$COSTS_PSS" = 1 ]; then
    "${COSTS_PSQL[@]}" -d postgres -c "drop table if exists bench_pss_$name;
      create table bench_pss_$name as select userid, dbid, queryid, calls, total_exec_time from $(costs_pss_rows p)"
  fi
  costs_pg_snapshot begin > "$COSTS_DIR/$name.pg0"
  # Resident memory of each JVM, every second (killed at costs_end; ends by itself after an hour or when
  # this script is gone).
  (
    for _ in $(seq 1 3600); do
      kill -0 $$ 2>/dev/null || break
      while read -r pname pid; do
        [ "$pname" = postgres ] && continue
        while read -r k v _; do
          [ "$k" = VmRSS: ] && echo "$pname $v"
        done < "/proc/$pid/status" 2>/dev/null || true
      done < "$COSTS_DIR/processes"
      sleep 1
    done
  ) > "$COSTS_DIR/$name.rss" &
  COSTS_SAMPLER=$!
  costs_cpu_snapshot begin > "$COSTS_DIR/$name.cpu0"
}

# Waits until no job is queued or running and the audit row count stood still for a second (at most
# COSTS_SETTLE_SECONDS): the window then holds the work each job caused, also after its 202 and its outcome.
costs_settle() {
  local last="" now
  for _ in $(seq 1 "$COSTS_SETTLE_SECONDS"); do
    now="$("${COSTS_PSQL[@]}" -d hostplane -c "select (select count(*) from api.jobs where status in ('queued', 'running'))
      || ' ' || (select count(*) from audit.events)")"
    [ "${now%% *}" = 0 ] && [ "$now" = "$last" ] && return 0
    last="$now"
    sleep 1
  done
  echo "costs: not settled after ${COSTS_SETTLE_SECONDS} s (non-terminal jobs, audit rows: $now)" >&2
}

costs_end() {
  local name=$1 key=${2:-$1}
  [ "${COSTS_SETTLE:-1}" = 1 ] && costs_settle
  costs_cpu_snapshot end > "$COSTS_DIR/$name.cpu1"
  costs_stop_sampler
  costs_pg_snapshot end > "$COSTS_DIR/$name.pg1"
  costs_kafka_snapshot > "$COSTS_DIR/$name.kafka1"
  costs_report "$name" "$key"
}

costs_stop_sampler() {
  [ -n "${COSTS_SAMPLER:-}" ] || return 0
  kill "$COSTS_SAMPLER" 2>/dev/null || true
  wait "$COSTS_SAMPLER" 2>/dev/null || true
  COSTS_SAMPLER=""
}

costs_report() {
  local name=$1 key=$2
  # One file of "key start end" lines, then the table from it.
  cat "$COSTS_DIR/$name".{cpu,pg,kafka}0 | LC_ALL=C sort -k1,1 > "$COSTS_DIR/$name.start"
  cat "$COSTS_DIR/$name".{cpu,pg,kafka}1 | LC_ALL=C sort -k1,1 > "$COSTS_DIR/$name.end"
  LC_ALL=C join -a 2 -e 0 -o 0,1.2,2.2 "$COSTS_DIR/$name.start" "$COSTS_DIR/$name.end" > "$COSTS_DIR/$name.delta"
  awk -v hz="$CLK_TCK" -v pss="$COSTS_PSS" -v results="${RESULTS:-/dev/null}" -v key="$key" '
    { d[$1] = $3 - $2 }
    $1 ~ /^kafka:/ { topics[++nt] = $1 }
    END {
      jobs = d["jobs"]
      wall = d["wall_ms"] / 1000
      print ""
      printf "costs of the window (%.1f s, %d jobs created, %d non-terminal at its end)\n\n", wall, jobs, d["active"] + 0
      print "| figure | window total | per job |"
      print "| --- | ---: | ---: |"
      split("platform api worker audit launcher kafka postgres", order, " ")
      for (i = 1; i <= 7; i++) {
        p = order[i]
        if (!(p in d)) continue
        ms = d[p] * 1000 / hz
        cpu += ms
        label = p == "platform" ? "CPU ms, platform JVM (api, worker, audit)" \
          : p == "kafka" ? "CPU ms, Kafka broker" : p == "postgres" ? "CPU ms, PostgreSQL (postmaster and all its processes)" \
          : "CPU ms, " p " JVM"
        row(label, ms, jobs)
        printf "%s.cpu_ms_per_job.%s %.3f\n", key, p, per(ms, jobs) >> results
      }
      row("**CPU ms, platform total**", cpu, jobs)
      busy = d["machine_busy"] * 1000 / hz
      row(sprintf("CPU ms, whole machine (load drivers included; %.0f%% of %d cores busy)", \
        100 * d["machine_busy"] / (d["machine_total"] ? d["machine_total"] : 1), \
        d["machine_total"] * 1000 / hz / (d["wall_ms"] ? d["wall_ms"] : 1) + 0.5), busy, jobs)
      row("PostgreSQL commits (platform database)", d["commits"], jobs)
      if (d["rollbacks"] > 0) row("PostgreSQL rollbacks", d["rollbacks"], jobs)
      if (pss == 1) {
        row("PostgreSQL statements (pg_stat_statements calls)", d["statements"], jobs)
        row("… of which BEGIN / COMMIT / ROLLBACK", d["statements_txn"], jobs)
      }
      for (i = 1; i <= nt; i++) { t = topics[i]; kafka += d[t] }
      row("Kafka records produced (end offsets, hostplane.*)", kafka, jobs)
      for (i = 1; i <= nt; i++) {
        t = topics[i]
        if (d[t] != 0) row("… " substr(t, 7), d[t], jobs)
      }
      row("audit rows (audit.events)", d["audit_rows"], jobs)
      printf "%s.jobs %d\n", key, jobs >> results
      printf "%s.cpu_ms_per_job %.3f\n", key, per(cpu, jobs) >> results
      printf "%s.machine_cpu_ms_per_job %.3f\n", key, per(busy, jobs) >> results
      printf "%s.commits_per_job %.2f\n", key, per(d["commits"], jobs) >> results
      if (pss == 1) printf "%s.statements_per_job %.2f\n", key, per(d["statements"], jobs) >> results
      printf "%s.kafka_records_per_job %.2f\n", key, per(kafka, jobs) >> results
      printf "%s.audit_rows_per_job %.2f\n", key, per(d["audit_rows"], jobs) >> results
    }
    function per(x, n) { return (n > 0 ? x / n : 0) }
    function row(label, total, n) {
      printf "| %s | %.0f | %s |\n", label, total, (n > 0 ? sprintf("%.2f", total / n) : "—")
    }
  ' "$COSTS_DIR/$name.delta"
  # The most resident memory each JVM had during the window.
  awk -v results="${RESULTS:-/dev/null}" -v key="$key" '
    { if ($2 > max[$1]) max[$1] = $2 }
    END {
      line = ""
      for (p in max) {
        line = line sprintf("%s%s %.0f MiB", line == "" ? "" : ", ", p, max[p] / 1024)
        printf "%s.rss_mib.%s %.0f\n", key, p, max[p] / 1024 >> results
      }
      if (line != "") print "\nresident memory, most during the window: " line
    }' "$COSTS_DIR/$name.rss"
  if [ "$COSTS_PSS" = 1 ]; then
    local jobs
    jobs=$(awk '$1 == "jobs" {print $3 - $2}' "$COSTS_DIR/$name.delta")
    echo
    echo "statements with the most calls in the window (pg_stat_statements; mean = execution time in PostgreSQL)"
    echo
    echo "| calls | calls per job | mean ms | statement |"
    echo "| ---: | ---: | ---: | --- |"
    # The same text run by several users (the audit writer and the services' login) is one row.
    "${COSTS_PSQL[@]}" -d postgres -F '|' -c "
      select sum(calls), round(sum(calls)::numeric / greatest($jobs, 1), 2), round((sum(ms) / sum(calls))::numeric, 3), query
        from (select n.calls - coalesce(s.calls, 0) as calls, n.total_exec_time - coalesce(s.total_exec_time, 0) as ms,
                     left(regexp_replace(n.query, '\s+', ' ', 'g'), 160) as query
                from $(costs_pss_rows n)
                left join bench_pss_$name s using (userid, dbid, queryid)) d
       where calls > 0
       group by query
       order by 1 desc limit 15" \
      | awk -F'|' '{q = $4; for (i = 5; i <= NF; i++) q = q "\\|" $i; gsub(/`/, "", q); printf "| %s | %s | %s | `%s` |\n", $1, $2, $3, q}'
  fi
}
