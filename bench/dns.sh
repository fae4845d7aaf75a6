#!/usr/bin/env bash
# Issue 5's DNS benchmark, in one run on this machine: DNS changes applied per second into a real PowerDNS
# (accepted -> visible to a UDP query), through Hostplane (HOSTPLANE_DNS_BACKEND=powerdns) beside the same
# changes sent straight to PowerDNS's HTTP API at the same concurrency; Hostplane both closed loop and as an
# integrator that submits without waiting for each job. Needs pdns-server, its SQLite backend
# and sqlite3 (Debian; .ci/run installs them).
#
#   bench/dns.sh [CHANGES] [CONCURRENCY] [ZONES]     e.g. bench/dns.sh 2000 8 4
CHANGES=${1:-2000}
CONCURRENCY=${2:-8}
ZONE_COUNT=${3:-4}
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# The platform and the drivers are built before PowerDNS starts (bench/platform.sh then finds them built).
# shellcheck source=bench/build.sh
source "$ROOT/bench/build.sh"
bench_build local,cli
CP="$BENCH_CP"
PDNS="$(mktemp -d "${TMPDIR:-/tmp}/hostplane-dns-bench.XXXXXX")"
java -Xmx128m -cp "$CP" io.hostplane.bench.DnsBench serve "$PDNS/pdns" "$PDNS/info" > "$PDNS/serve.log" 2>&1 &
SERVE=$!
for _ in $(seq 1 60); do [ -s "$PDNS/info" ] && break; sleep 0.5; done
read -r PDNS_URL PDNS_KEY PDNS_PORT < "$PDNS/info"
export HOSTPLANE_DNS_BACKEND=powerdns HOSTPLANE_DNS_POWERDNS_URL="$PDNS_URL" HOSTPLANE_DNS_POWERDNS_API_KEY="$PDNS_KEY"

source "$(dirname "${BASH_SOURCE[0]}")/platform.sh"
stop_all() {
  cleanup
  kill "$SERVE" 2>/dev/null || true
  wait "$SERVE" 2>/dev/null || true
}
trap stop_all EXIT

new_token '{"limit":1000000,"period_seconds":1}' > "$DATA/bench-token"
HOSTPLANE_ZONES=""
DIRECT_ZONES=""
for i in $(seq 1 "$ZONE_COUNT"); do
  curl -s -o /dev/null -X POST -H "Authorization: Bearer $(cat "$DATA/bench-token")" -H 'Content-Type: application/json' \
    -d "{\"name\":\"dnsbench$i.test\"}" "$API/domains"
  HOSTPLANE_ZONES="${HOSTPLANE_ZONES:+$HOSTPLANE_ZONES,}dnsbench$i.test"
  DIRECT_ZONES="${DIRECT_ZONES:+$DIRECT_ZONES,}direct$i.test"
done
for i in $(seq 1 "$ZONE_COUNT"); do
  for _ in $(seq 1 60); do
    curl -s -H "Authorization: Bearer $(cat "$DATA/bench-token")" "$API/domains/dnsbench$i.test" | grep -q '"status":"active"' && break
    sleep 1
  done
done

machine
echo "PowerDNS: $( (/usr/sbin/pdns_server --version 2>&1 || true) | grep -m1 -o 'PowerDNS Authoritative Server [0-9.]*'), sqlite3 backend, 127.0.0.1"
echo "changes: $CHANGES A records over $ZONE_COUNT zones, $CONCURRENCY clients; each change is checked by a UDP query"
echo "closed loop: each client waits for its change to be visible before the next; integrator: clients submit"
echo "without waiting (at most 100 open changes each) while a poller follows the jobs; the direct path is synchronous"
echo
echo "| path | changes | visible | failed | changes/s | p50 ms | p99 ms |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
# Warm the platform's JIT with a small run first (not reported), then measure each path.
java -Xmx256m -cp "$CP" io.hostplane.bench.DnsBench hostplane http://127.0.0.1:8080 "$DATA/bench-token" "$PDNS_PORT" \
  "$(( CHANGES / 4 ))" "$CONCURRENCY" "$HOSTPLANE_ZONES" > /dev/null
# How the worker applied a row's jobs, from its log lines "K of M jobs on dns/… applied together" (one PATCH
# for K jobs) written while the row ran; the other jobs of the row were applied alone, one PATCH each.
coalesced() {
  { tail -n +"$(($1 + 1))" "$DATA/platform.log" | grep -o '[0-9]* of [0-9]* jobs on dns/[^ ]* applied together' || true; } \
    | awk -v row="$2" '{ jobs += $1; groups++ } END { printf "(%s: %d jobs applied in %d coalesced PATCHes, the rest alone)\n", row, jobs, groups }'
}
MARK=$(wc -l < "$DATA/platform.log")
java -Xmx256m -cp "$CP" io.hostplane.bench.DnsBench hostplane http://127.0.0.1:8080 "$DATA/bench-token" "$PDNS_PORT" \
  "$CHANGES" "$CONCURRENCY" "$HOSTPLANE_ZONES"
coalesced "$MARK" "closed loop"
# The same clients as an integrator of an async API: submit without waiting for each job, poll the jobs.
MARK=$(wc -l < "$DATA/platform.log")
java -Xmx256m -cp "$CP" io.hostplane.bench.DnsBench integrator http://127.0.0.1:8080 "$DATA/bench-token" "$PDNS_PORT" \
  "$CHANGES" "$CONCURRENCY" "$HOSTPLANE_ZONES"
coalesced "$MARK" "integrator"
java -Xmx256m -cp "$CP" io.hostplane.bench.DnsBench direct "$PDNS_URL" "$PDNS_KEY" "$PDNS_PORT" \
  "$CHANGES" "$CONCURRENCY" "$DIRECT_ZONES"
