package io.hostplane.api.tokens;

import java.time.Instant;
import java.util.List;

/**
 * A token as lists and reads show it: never the token itself, only its first characters ({@code hint}).
 * {@code token} is set once, in the answer to the request that created it.
 */
public record TokenView(
        String id,
        String token,
        String hint,
        String tenant,
        String principal,
        String description,
        List<String> scopes,
        String status,
        Instant createdAt,
        Instant expiresAt,
        Instant revokedAt,
        Instant lastUsedAt,
        String lastUsedIp,
        List<String> allowedCidrs,
        List<String> allowedDomains,
        RateLimit rateLimit,
        String callbackUrl) {

    public record RateLimit(int limit, int periodSeconds) {}

    static TokenView of(TokenStore.StoredToken t, String plainToken, Instant now) {
        String status = t.isRevokedAt(now) ? "revoked" : t.isExpiredAt(now) ? "expired" : "active";
        return new TokenView(
                t.id(),
                plainToken,
                t.hint(),
                t.tenant(),
                t.principal(),
                t.description(),
                t.scopes(),
                status,
                t.createdAt(),
                t.expiresAt(),
                t.revokedAt(),
                t.lastUsedAt(),
                t.lastUsedIp(),
                t.allowedCidrs(),
                t.allowedDomains(),
                t.rateLimit() == null ? null : new RateLimit(t.rateLimit(), t.ratePeriodSeconds()),
                t.callbackUrl());
    }
}
