package io.hostplane.api.system.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param pepper server secret mixed into every token hash, so that a copy of the token table alone cannot be
 *     used to test guesses; at least 32 characters; never logged
 * @param maxLifetime longest lifetime a new API token may have; a token created without {@code expires_at}
 *     gets this lifetime
 * @param cacheTtl how long an API replica may reuse a token lookup; bounds how late a revocation made on
 *     another replica takes effect here (must stay under one second)
 * @param lastUsedFlush how often {@code last_used_at} / {@code last_used_ip} are written (one batched write
 *     per interval instead of one per request)
 */
@ConfigurationProperties("hostplane.tokens")
public record TokenProperties(
        String pepper,
        @DefaultValue("365d") Duration maxLifetime,
        @DefaultValue("500ms") Duration cacheTtl,
        @DefaultValue("5s") Duration lastUsedFlush) {

    public TokenProperties {
        if (pepper == null || pepper.length() < 32) {
            throw new IllegalStateException(
                    "hostplane.tokens.pepper (HOSTPLANE_TOKENS_PEPPER) must be set to a secret of at least 32 characters");
        }
        if (cacheTtl.compareTo(Duration.ofSeconds(1)) >= 0) {
            throw new IllegalStateException(
                    "hostplane.tokens.cache-ttl must be under 1s: revocation must hold within a second");
        }
    }

    @Override
    public String toString() {
        return "TokenProperties[pepper=<hidden>, maxLifetime=" + maxLifetime + ", cacheTtl=" + cacheTtl + "]";
    }
}
