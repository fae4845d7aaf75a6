package io.hostplane.api.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * One resilience4j limiter per token on this replica (fixed windows of {@code period}, {@code limit}
 * permits each, no waiting). A limiter idle for two windows carries no state worth keeping and is
 * evicted, so memory stays bounded by the number of recently active tokens.
 */
@Component
public class TokenRateLimiters {

    /** The outcome of one request's check, with what the {@code RateLimit-*} headers say. */
    public record Decision(boolean permitted, int limit, int remaining, long resetSeconds, long retryAfterSeconds) {}

    private record Entry(AtomicRateLimiter limiter, long startNanos, long periodNanos, int limit) {}

    private final RateLimitProperties properties;
    private final Cache<String, Entry> limiters;

    @Autowired
    public TokenRateLimiters(RateLimitProperties properties) {
        this(properties, Ticker.systemTicker());
    }

    TokenRateLimiters(RateLimitProperties properties, Ticker ticker) {
        this.properties = properties;
        this.limiters = Caffeine.newBuilder()
                .ticker(ticker)
                .maximumSize(properties.maxLimiters())
                .expireAfter(Expiry.accessing((String key, Entry e) -> Duration.ofNanos(2 * e.periodNanos())))
                .build();
    }

    /** Takes one permit for {@code tokenId}, whose own limit (if any) is {@code limit} per {@code periodSeconds}. */
    public Decision acquire(String tokenId, Integer limit, Integer periodSeconds) {
        return decide(tokenId, limit, periodSeconds, true);
    }

    /** Whether {@code tokenId} has a permit left, without taking it (for requests that may end as 304). */
    public Decision peek(String tokenId, Integer limit, Integer periodSeconds) {
        return decide(tokenId, limit, periodSeconds, false);
    }

    private Decision decide(String tokenId, Integer limit, Integer periodSeconds, boolean take) {
        int max = limit != null ? limit : properties.defaultLimit();
        Duration period = periodSeconds != null ? Duration.ofSeconds(periodSeconds) : properties.defaultPeriod();
        String key = tokenId + "/" + max + "/" + period.toMillis();
        Entry entry = limiters.get(
                key,
                k -> new Entry(
                        new AtomicRateLimiter(
                                k,
                                RateLimiterConfig.custom()
                                        .limitForPeriod(max)
                                        .limitRefreshPeriod(period)
                                        .timeoutDuration(Duration.ZERO)
                                        .build()),
                        System.nanoTime(),
                        period.toNanos(),
                        max));
        boolean permitted = take
                ? entry.limiter().acquirePermission()
                : entry.limiter().getDetailedMetrics().getAvailablePermissions() > 0;
        long now = System.nanoTime();
        long intoWindow = (now - entry.startNanos()) % entry.periodNanos();
        long reset = ceilSeconds(entry.periodNanos() - intoWindow);
        int remaining = Math.max(0, entry.limiter().getDetailedMetrics().getAvailablePermissions());
        long retryAfter = permitted
                ? 0
                : Math.max(1, ceilSeconds(entry.limiter().getDetailedMetrics().getNanosToWait()));
        return new Decision(permitted, entry.limit(), remaining, reset, retryAfter);
    }

    /** Takes one permit for a client address on the public endpoints. */
    public Decision acquirePublic(String address) {
        return acquire("ip:" + address, properties.publicLimit(), (int)
                properties.publicPeriod().toSeconds());
    }

    /** Takes one permit for a sign-in attempt from a client address on the OAuth approval page. */
    public Decision acquireSignIn(String address) {
        return acquire("sign-in:" + address, properties.signInLimit(), (int)
                properties.signInPeriod().toSeconds());
    }

    /** Whether a limiter of {@code tokenId} is held now: whether this replica has been counting that token. */
    public boolean holds(String tokenId) {
        return limiters.asMap().keySet().stream().anyMatch(key -> key.startsWith(tokenId + "/"));
    }

    /** How many limiters are held now (for the memory benchmark and metrics). */
    public long size() {
        limiters.cleanUp();
        return limiters.estimatedSize();
    }

    private static long ceilSeconds(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
