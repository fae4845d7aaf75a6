package io.hostplane.api.limits;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * {@code api.tenant_limits}, owned by this feature: what the operator set for a tenant, a null column (or no row)
 * being the installation's default.
 */
@Component
class TenantLimitsStore {

    /** The override columns as stored: null where the default holds. */
    record Stored(
            Integer tokenLimit, Integer tokenPeriod, Integer tenantLimit, Integer tenantPeriod, Integer activeJobs) {

        static final Stored NONE = new Stored(null, null, null, null, null);

        static Stored of(Readable row) {
            return new Stored(
                    row.get("token_rate_limit", Integer.class),
                    row.get("token_rate_period_seconds", Integer.class),
                    row.get("tenant_rate_limit", Integer.class),
                    row.get("tenant_rate_period_seconds", Integer.class),
                    row.get("active_jobs", Integer.class));
        }
    }

    private final DatabaseClient db;

    TenantLimitsStore(DatabaseClient db) {
        this.db = db;
    }

    /** The tenant's overrides; {@link Stored#NONE} when the operator has set none. */
    Mono<Stored> find(String tenant) {
        return db.sql("select token_rate_limit, token_rate_period_seconds, tenant_rate_limit, "
                        + "tenant_rate_period_seconds, active_jobs from api.tenant_limits where tenant_id = :id")
                .bind("id", tenant)
                .map((row, meta) -> Stored.of(row))
                .one()
                .defaultIfEmpty(Stored.NONE);
    }

    /** Stores the tenant's overrides (the tenant exists: the caller has checked). */
    Mono<Void> save(String tenant, Stored limits) {
        return db.sql("insert into api.tenant_limits (tenant_id, token_rate_limit, token_rate_period_seconds, "
                        + "tenant_rate_limit, tenant_rate_period_seconds, active_jobs) "
                        + "values (:id, :trl, :trp, :nrl, :nrp, :jobs) on conflict (tenant_id) do update set "
                        + "token_rate_limit = excluded.token_rate_limit, "
                        + "token_rate_period_seconds = excluded.token_rate_period_seconds, "
                        + "tenant_rate_limit = excluded.tenant_rate_limit, "
                        + "tenant_rate_period_seconds = excluded.tenant_rate_period_seconds, "
                        + "active_jobs = excluded.active_jobs")
                .bind("id", tenant)
                .bind("trl", nullable(limits.tokenLimit()))
                .bind("trp", nullable(limits.tokenPeriod()))
                .bind("nrl", nullable(limits.tenantLimit()))
                .bind("nrp", nullable(limits.tenantPeriod()))
                .bind("jobs", nullable(limits.activeJobs()))
                .then();
    }

    private static Parameter nullable(Integer value) {
        return Parameter.fromOrEmpty(value, Integer.class);
    }
}
