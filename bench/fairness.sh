#!/usr/bin/env bash
# Issue 4's fairness at full size: one tenant fires 10,000 job requests at once (the per-tenant limit of
# 1000 active jobs answers 429 past it), while another tenant's single jobs, on a zone of another partition
# and on a zone of the burst's own partition, are timed from request to `succeeded` visible.
#
#   bench/fairness.sh [BURST] [CONCURRENCY]     e.g. bench/fairness.sh 10000 32
#
# BUSY_TENANT_RATE=N (requests per second) has the operator hold the busy tenant to a tenant-wide rate limit
# (PATCH /accounts/{id}, limits.tenant_rate_limit) before the burst: what a provider does with a tenant that
# floods the API.
BURST=${1:-10000}
CONCURRENCY=${2:-32}
export HOSTPLANE_JOBS_MAX_ACTIVE_PER_TENANT=${HOSTPLANE_JOBS_MAX_ACTIVE_PER_TENANT:-1000}
export HOSTPLANE_LIMITS_TENANT_CONCURRENT_CHANGES=${HOSTPLANE_LIMITS_TENANT_CONCURRENT_CHANGES:-8}
source "$(dirname "${BASH_SOURCE[0]}")/platform.sh"

ADMIN="$(cat "$DATA/admin-token")"
post() { curl -s -X POST -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "$3" "$API$2"; }
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -1; }

BUSY_TENANT=$(post "$ADMIN" /accounts '{"name":"busy"}' | field id)
QUIET_TENANT=$(post "$ADMIN" /accounts '{"name":"quiet"}' | field id)
LIMIT='"rate_limit":{"limit":1000000,"period_seconds":1}'
post "$ADMIN" /tokens "{\"tenant\":\"$BUSY_TENANT\",\"scopes\":[\"*\"],$LIMIT}" | field token > "$DATA/busy-token"
post "$ADMIN" /tokens "{\"tenant\":\"$QUIET_TENANT\",\"scopes\":[\"*\"],$LIMIT}" | field token > "$DATA/quiet-token"
if [ -n "${BUSY_TENANT_RATE:-}" ]; then
  curl -s -o /dev/null -w '' -X PATCH -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/merge-patch+json' \
    -d "{\"limits\":{\"tenant_rate_limit\":{\"limit\":$BUSY_TENANT_RATE,\"period_seconds\":1}}}" \
    "$API/accounts/$BUSY_TENANT"
fi
BUSY_ZONE=busy-zone.test
KEY="$BUSY_TENANT/zone/$BUSY_ZONE"
OTHER_ZONE=$(java -cp "$CP" io.hostplane.bench.FairnessBench zone "$QUIET_TENANT" quiet-other- "$KEY" 12 other)
SAME_ZONE=$(java -cp "$CP" io.hostplane.bench.FairnessBench zone "$QUIET_TENANT" quiet-same- "$KEY" 12 same)
post "$(cat "$DATA/busy-token")" /domains "{\"name\":\"$BUSY_ZONE\"}" >/dev/null
post "$(cat "$DATA/quiet-token")" /domains "{\"name\":\"$OTHER_ZONE\"}" >/dev/null
post "$(cat "$DATA/quiet-token")" /domains "{\"name\":\"$SAME_ZONE\"}" >/dev/null
export PGPASSWORD=hostplane
for _ in $(seq 1 60); do
  [ "$(psql -q -h 127.0.0.1 -p 15432 -U hostplane -d hostplane -t -A -c \
    "select count(*) from api.domains where status = 'active' and name in ('$BUSY_ZONE','$OTHER_ZONE','$SAME_ZONE')")" = 3 ] && break
  sleep 1
done

machine
echo "zones: busy $BUSY_ZONE; quiet $OTHER_ZONE (another partition), $SAME_ZONE (the burst's partition)"
echo "per-tenant active-job limit: $HOSTPLANE_JOBS_MAX_ACTIVE_PER_TENANT; changes at work per tenant: $HOSTPLANE_LIMITS_TENANT_CONCURRENT_CHANGES; burst $BURST requests over $CONCURRENCY connections"
[ -z "${BUSY_TENANT_RATE:-}" ] || echo "busy tenant held to $BUSY_TENANT_RATE requests/s (tenant-wide rate limit)"
echo
java -Xmx512m -cp "$CP" io.hostplane.bench.FairnessBench http://127.0.0.1:8080 "$DATA/busy-token" "$DATA/quiet-token" \
  "$BUSY_ZONE" "$OTHER_ZONE" "$SAME_ZONE" "$BURST" "$CONCURRENCY"
