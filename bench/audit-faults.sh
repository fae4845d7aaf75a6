#!/usr/bin/env bash
# Issue 6, item 7 at the bench's size: e2e-tests' AuditFaultToleranceTest (the whole platform, each service its
# own process) with EVENTS events per fault instead of the suite's 2,000 — the audit service killed with SIGKILL
# while they stream in, and PostgreSQL stopped and started while they stream in. Each time the test asserts that
# the tenant has exactly EVENTS rows and EVENTS distinct events and that GET /audit/verify finds its chains intact;
# this prints those lines and the time taken.
#
#   bench/audit-faults.sh [EVENTS]      default 100000
EVENTS=${1:-100000}
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
LOG="$(mktemp "${TMPDIR:-/tmp}/hostplane-audit-faults.XXXXXX")"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); events per fault: $EVENTS"
started=$(date +%s)
status=0
./mvnw -B -Dspotless.check.skip=true -pl e2e-tests -am test-compile surefire:test \
  -Dtest=AuditFaultToleranceTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dhostplane.audit-faults.events="$EVENTS" > "$LOG" 2>&1 || status=$?
grep -h "audit-faults:" "$LOG" e2e-tests/target/surefire-reports/*AuditFaultToleranceTest-output.txt 2>/dev/null | sort -u || true
grep -E "Tests run:.*AuditFaultToleranceTest" "$LOG" || true
echo "took $(( $(date +%s) - started )) s (build and platform start included); log: $LOG"
exit "$status"
