package io.hostplane.api.ratelimit;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param defaultLimit requests a token may make per period unless the token sets its own
 * @param defaultPeriod length of the fixed window
 * @param maxLimiters upper bound on limiters kept in memory (idle ones are evicted first)
 * @param publicLimit requests per client address and period on the public OAuth endpoints (no token),
 *     against guessing and flooding
 * @param publicPeriod length of that window
 * @param signInLimit sign-in attempts per client address and period on the OAuth approval page, against
 *     password guessing
 * @param signInPeriod length of that window
 */
@ConfigurationProperties("hostplane.rate-limit")
public record RateLimitProperties(
        @DefaultValue("120") int defaultLimit,
        @DefaultValue("60s") Duration defaultPeriod,
        @DefaultValue("200000") long maxLimiters,
        @DefaultValue("60") int publicLimit,
        @DefaultValue("60s") Duration publicPeriod,
        @DefaultValue("10") int signInLimit,
        @DefaultValue("5m") Duration signInPeriod) {}
