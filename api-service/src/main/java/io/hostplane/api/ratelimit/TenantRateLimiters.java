package io.hostplane.api.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hostplane.api.limits.LimitsProperties;
import io.hostplane.api.limits.Rate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The tenant-wide rate limit across all of a tenant's tokens and all API replicas: a <b>shared counter with
 * leased permits</b>. Windows are fixed and aligned to the epoch ({@code floor(now / period)}), so every replica
 * agrees on them. A row of {@code api.tenant_rate_windows} counts the permits handed out for one tenant and
 * window; a replica takes a block of them at a time (a lease of {@code hostplane.limits.lease-fraction} of the
 * limit, at least one) in one atomic statement that never lets the count pass the limit, and spends the block
 * locally without further database work. So the tenant never gets more than its limit, whichever replicas its
 * tokens reach, and loses at most {@code replicas × lease} permits at a window's end (leased, not spent). Once the
 * counter is full, the replica refuses the rest of the window without asking again.
 *
 * <p>If the database cannot be reached the request is let through (the per-token limit still holds) and counted
 * in {@code hostplane.ratelimit.tenant.unavailable}.
 */
@Component
public class TenantRateLimiters {

    private static final Logger log = LoggerFactory.getLogger(TenantRateLimiters.class);

    /** This replica's state of one tenant's current window. */
    private static final class Local {
        long windowStart = Long.MIN_VALUE;
        long leased;
        long sharedUsed;
        boolean exhausted;
    }

    private record Lease(long granted, long used) {}

    private final DatabaseClient db;
    private final LimitsProperties properties;
    private final Cache<String, Local> windows;
    private final Counter unavailable;

    TenantRateLimiters(DatabaseClient db, LimitsProperties properties, MeterRegistry registry) {
        this.db = db;
        this.properties = properties;
        this.windows = Caffeine.newBuilder()
                .maximumSize(200_000)
                .expireAfterAccess(Duration.ofDays(1))
                .build();
        this.unavailable = Counter.builder("hostplane.ratelimit.tenant.unavailable")
                .description("Requests let through because the tenant-wide counter could not be reached")
                .register(registry);
    }

    /** The permits one lease takes for a tenant-wide limit of {@code limit}. */
    long leaseSize(int limit) {
        return Math.max(1, (long) Math.floor(limit * properties.leaseFraction()));
    }

    /** Takes one permit of {@code tenant}'s window under {@code rate}. */
    public Mono<TokenRateLimiters.Decision> acquire(String tenant, Rate rate) {
        long now = System.currentTimeMillis();
        long period = rate.periodSeconds() * 1000L;
        long start = now - Math.floorMod(now, period);
        Local local = windows.get(tenant + "/" + rate.limit() + "/" + rate.periodSeconds(), k -> new Local());
        synchronized (local) {
            if (local.windowStart != start) {
                local.windowStart = start;
                local.leased = 0;
                local.sharedUsed = 0;
                local.exhausted = false;
            }
            if (local.leased > 0) {
                local.leased--;
                return Mono.just(decision(true, rate, local, start, period, now));
            }
            if (local.exhausted) {
                return Mono.just(decision(false, rate, local, start, period, now));
            }
        }
        long want = leaseSize(rate.limit());
        return lease(tenant, start, period, rate.limit(), want)
                .map(lease -> {
                    synchronized (local) {
                        if (local.windowStart != start) {
                            // The window turned while the lease was on its way: it pays this request only.
                            return decision(lease.granted() > 0, rate, local, start, period, now);
                        }
                        local.sharedUsed = Math.max(local.sharedUsed, lease.used());
                        if (lease.granted() == 0) {
                            local.exhausted = true;
                            return decision(false, rate, local, start, period, System.currentTimeMillis());
                        }
                        local.leased += lease.granted() - 1;
                        return decision(true, rate, local, start, period, System.currentTimeMillis());
                    }
                })
                .onErrorResume(e -> {
                    unavailable.increment();
                    log.warn("Tenant-wide rate limit counter unavailable; request let through: {}", e.toString());
                    return Mono.just(new TokenRateLimiters.Decision(
                            true, rate.limit(), rate.limit(), ceilSeconds(start + period - now), 0));
                });
    }

    /** The tenant's window as it stands, taking nothing (for {@code GET /rate-limit}). */
    public Mono<TokenRateLimiters.Decision> peek(String tenant, Rate rate) {
        long now = System.currentTimeMillis();
        long period = rate.periodSeconds() * 1000L;
        long start = now - Math.floorMod(now, period);
        Local local = windows.getIfPresent(tenant + "/" + rate.limit() + "/" + rate.periodSeconds());
        long leased;
        synchronized (local == null ? this : local) {
            leased = local != null && local.windowStart == start ? local.leased : 0;
        }
        return db.sql("select used from api.tenant_rate_windows where tenant_id = :t and window_start = :w")
                .bind("t", tenant)
                .bind("w", start)
                .map((row, meta) -> row.get("used", Long.class))
                .one()
                .defaultIfEmpty(0L)
                .map(used -> {
                    long remaining = Math.max(0, rate.limit() - used) + leased;
                    return new TokenRateLimiters.Decision(
                            remaining > 0,
                            rate.limit(),
                            (int) Math.min(Integer.MAX_VALUE, remaining),
                            ceilSeconds(start + period - now),
                            remaining > 0 ? 0 : Math.max(1, ceilSeconds(start + period - now)));
                });
    }

    /** Takes up to {@code want} permits from the shared counter, never past {@code limit}. */
    private Mono<Lease> lease(String tenant, long start, long period, int limit, long want) {
        return db.sql("insert into api.tenant_rate_windows as w (tenant_id, window_start, used, last_grant, ends_at) "
                        + "values (:t, :w, least(:n, :limit), least(:n, :limit), :ends) "
                        + "on conflict (tenant_id, window_start) do update "
                        + "set used = w.used + greatest(0, least(:n, :limit - w.used)), "
                        + "last_grant = greatest(0, least(:n, :limit - w.used)) "
                        + "returning last_grant, used")
                .bind("t", tenant)
                .bind("w", start)
                .bind("n", want)
                .bind("limit", (long) limit)
                .bind("ends", OffsetDateTime.ofInstant(Instant.ofEpochMilli(start + period), ZoneOffset.UTC))
                .map((row, meta) -> new Lease(row.get("last_grant", Long.class), row.get("used", Long.class)))
                .one();
    }

    private TokenRateLimiters.Decision decision(
            boolean permitted, Rate rate, Local local, long start, long period, long now) {
        long remaining = Math.max(0, rate.limit() - local.sharedUsed) + local.leased;
        long reset = ceilSeconds(start + period - now);
        return new TokenRateLimiters.Decision(
                permitted,
                rate.limit(),
                permitted ? (int) Math.min(Integer.MAX_VALUE, remaining) : 0,
                reset,
                permitted ? 0 : Math.max(1, reset));
    }

    /** Deletes the counters of windows that ended more than a minute ago. */
    @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT1M")
    void purge() {
        db.sql("delete from api.tenant_rate_windows where ends_at < now() - interval '1 minute'")
                .then()
                .onErrorResume(e -> Mono.empty())
                .block(Duration.ofSeconds(60));
    }

    private static long ceilSeconds(long millis) {
        return Math.max(0, (millis + 999) / 1000);
    }
}
