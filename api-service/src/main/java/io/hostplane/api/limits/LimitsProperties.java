package io.hostplane.api.limits;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The limits of a tenant whose operator has not set its own ({@code PATCH /accounts/{id}}); the active-job
 * default stays {@code hostplane.jobs.max-active-per-tenant}.
 *
 * @param tokenRateLimit the highest {@code rate_limit.limit} a tenant's token may give a token it creates
 * @param tokenRatePeriod the period of that ceiling
 * @param tenantRateLimit requests per period a tenant may make across all its tokens, on all replicas
 * @param tenantRatePeriod the tenant-wide window
 * @param cacheTtl how long a replica keeps a tenant's limits before reading them again (a change made on
 *     another replica holds here within this time)
 * @param leaseFraction the share of a tenant-wide limit one replica takes from the shared counter at a time;
 *     unused permits of a lease are lost at the window's end, so the tenant gets at least {@code limit × (1 -
 *     replicas × leaseFraction)} and never more than {@code limit}
 * @param tenantConcurrentChanges changes (POST, PUT, PATCH, DELETE) of one tenant handled at once on one replica;
 *     the tenant's further changes wait their turn, so that one tenant's flood shares the machine with the others
 */
@ConfigurationProperties("hostplane.limits")
public record LimitsProperties(
        @DefaultValue("6000") int tokenRateLimit,
        @DefaultValue("60s") Duration tokenRatePeriod,
        @DefaultValue("600000") int tenantRateLimit,
        @DefaultValue("60s") Duration tenantRatePeriod,
        @DefaultValue("1s") Duration cacheTtl,
        @DefaultValue("0.02") double leaseFraction,
        @DefaultValue("8") int tenantConcurrentChanges) {

    Rate tokenRate() {
        return new Rate(tokenRateLimit, (int) tokenRatePeriod.toSeconds());
    }

    Rate tenantRate() {
        return new Rate(tenantRateLimit, (int) tenantRatePeriod.toSeconds());
    }
}
