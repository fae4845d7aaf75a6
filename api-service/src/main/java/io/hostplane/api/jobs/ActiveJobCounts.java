package io.hostplane.api.jobs;

import io.hostplane.api.limits.TenantLimits;
import io.hostplane.api.limits.TenantLimitsService;
import io.hostplane.api.system.ShortLivedCache;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * How many jobs each tenant has queued or running, for the per-tenant limit, without a query per
 * acceptance: the count is read from the database at most once per {@code hostplane.jobs.active-count-
 * freshness} (1 s) per tenant and replica, and kept current in between by this replica's own acceptances and
 * finishes. Other replicas' changes show up at the next read, so a tenant can pass the limit by what other
 * replicas accept within that second.
 */
@Component
class ActiveJobCounts {

    private final DatabaseClient db;
    private final TenantLimitsService limits;
    private final ShortLivedCache<String, AtomicLong> counts;

    ActiveJobCounts(DatabaseClient db, TenantLimitsService limits, JobsProperties properties) {
        this.db = db;
        this.limits = limits;
        this.counts = new ShortLivedCache<>(properties.activeCountFreshness(), 100_000);
    }

    /**
     * The tenant's active-job limit: its {@code limits.active_jobs}, by default
     * {@code hostplane.jobs.max-active-per-tenant}.
     */
    Mono<Integer> limit(String tenant) {
        return limits.of(tenant).map(TenantLimits::activeJobs);
    }

    /** The tenant's active jobs as last known (counting at most {@code limit} from the database). */
    Mono<Long> current(String tenant, int limit) {
        return counts.get(
                        tenant,
                        t -> db.sql("select count(*) as active from (select 1 from api.jobs where tenant_id = :tenant "
                                        + "and status in ('queued', 'running') limit :limit) a")
                                .bind("tenant", t)
                                .bind("limit", limit)
                                .map((row, meta) -> new AtomicLong(row.get("active", Long.class)))
                                .one())
                .map(AtomicLong::get);
    }

    void accepted(String tenant) {
        AtomicLong known = counts.getIfPresent(tenant);
        if (known != null) {
            known.incrementAndGet();
        }
    }

    void finished(String tenant) {
        AtomicLong known = counts.getIfPresent(tenant);
        if (known != null) {
            known.updateAndGet(n -> Math.max(0, n - 1));
        }
    }
}
