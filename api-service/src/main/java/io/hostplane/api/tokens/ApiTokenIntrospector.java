package io.hostplane.api.tokens;

import io.hostplane.api.system.ClientAddress;
import io.hostplane.api.system.RequestContext;
import io.hostplane.api.system.ShortLivedCache;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.api.system.security.TokenProperties;
import io.hostplane.common.net.Cidr;
import io.hostplane.common.token.ApiTokenFormat;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OAuth2IntrospectionException;
import org.springframework.security.oauth2.server.resource.introspection.ReactiveOpaqueTokenIntrospector;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Checks a bearer token against our own store for Spring Security's resource-server machinery. Each way a
 * token can be refused has its own message; the token itself appears in none.
 *
 * <p>Lookups are cached per replica for {@code hostplane.tokens.cache-ttl} (under one second), keyed by the
 * token's hash, so that a revocation on any replica holds everywhere within a second while most requests
 * skip the database. Expiry, revocation time and allowed networks are checked on every request.
 */
@Component
class ApiTokenIntrospector implements ReactiveOpaqueTokenIntrospector {

    private final TokenStore tokens;
    private final TokenHasher hasher;
    private final LastUsedTracker lastUsed;
    private final ShortLivedCache<String, Optional<TokenStore.StoredToken>> cache;

    ApiTokenIntrospector(TokenStore tokens, TokenHasher hasher, LastUsedTracker lastUsed, TokenProperties properties) {
        this.tokens = tokens;
        this.hasher = hasher;
        this.lastUsed = lastUsed;
        this.cache = new ShortLivedCache<>(properties.cacheTtl(), 100_000);
    }

    void evictAll() {
        cache.invalidateAll();
    }

    @Override
    public Mono<OAuth2AuthenticatedPrincipal> introspect(String token) {
        if (!ApiTokenFormat.isWellFormed(token)) {
            return Mono.error(new BadOpaqueTokenException(
                    "Malformed token: not a Hostplane API token (hp_ + 49 characters with a valid checksum)."));
        }
        byte[] hash = hasher.hash(token);
        String key = Base64.getEncoder().encodeToString(hash);
        Mono<Optional<TokenStore.StoredToken>> lookup = cache.get(
                        key, k -> tokens.findByHash(hash).map(Optional::of).defaultIfEmpty(Optional.empty()))
                .onErrorMap(e -> new OAuth2IntrospectionException("Token store unavailable.", e));
        return lookup.flatMap(found -> Mono.deferContextual(ctx -> {
            if (found.isEmpty()) {
                return Mono.error(new BadOpaqueTokenException("Unknown token."));
            }
            TokenStore.StoredToken stored = found.get();
            Instant now = Instant.now();
            if (stored.isRevokedAt(now)) {
                return Mono.error(new BadOpaqueTokenException("Token has been revoked."));
            }
            if (stored.isExpiredAt(now)) {
                return Mono.error(new BadOpaqueTokenException("Token has expired."));
            }
            InetAddress client = ctx.getOrDefault(ClientAddress.CONTEXT_KEY, InetAddress.getLoopbackAddress());
            if (!stored.allowedCidrs().isEmpty()
                    && stored.allowedCidrs().stream()
                            .map(Cidr::parse)
                            .flatMap(Optional::stream)
                            .noneMatch(cidr -> cidr.contains(client))) {
                return Mono.error(new BadOpaqueTokenException("Token is not allowed from this address."));
            }
            lastUsed.touch(stored.id(), client.getHostAddress());
            ApiPrincipal principal = new ApiPrincipal(
                    stored.tenant(),
                    stored.id(),
                    stored.principal(),
                    stored.scopes(),
                    ApiPrincipal.effectiveScopes(stored.tenant(), stored.scopes()),
                    stored.expiresAt(),
                    stored.allowedDomains(),
                    stored.rateLimit(),
                    stored.ratePeriodSeconds(),
                    stored.allowedCidrs());
            ctx.<RequestContext>getOrEmpty(RequestContext.KEY).ifPresent(rc -> rc.authenticated(principal));
            return Mono.just(principal);
        }));
    }
}
