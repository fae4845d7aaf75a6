package io.hostplane.api.tokens;

import io.hostplane.common.token.ApiTokenFormat;
import java.time.Instant;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OAuth2IntrospectionException;
import org.springframework.security.oauth2.server.resource.introspection.ReactiveOpaqueTokenIntrospector;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Checks a bearer token against our own store for Spring Security's resource-server machinery. Each way a
 * token can be refused has its own message; the token itself appears in none.
 */
@Component
class ApiTokenIntrospector implements ReactiveOpaqueTokenIntrospector {

    private final TokenStore tokens;

    ApiTokenIntrospector(TokenStore tokens) {
        this.tokens = tokens;
    }

    @Override
    public Mono<OAuth2AuthenticatedPrincipal> introspect(String token) {
        if (!ApiTokenFormat.isWellFormed(token)) {
            return Mono.error(new BadOpaqueTokenException("Malformed token: not a Hostplane API token (hp_...)."));
        }
        return tokens.findByToken(token)
                .onErrorMap(
                        e -> !(e instanceof BadOpaqueTokenException),
                        e -> new OAuth2IntrospectionException("Token store unavailable.", e))
                .switchIfEmpty(Mono.error(new BadOpaqueTokenException("Unknown token.")))
                .flatMap(stored -> {
                    if (stored.revokedAt() != null) {
                        return Mono.error(new BadOpaqueTokenException("Token has been revoked."));
                    }
                    if (stored.expiresAt() != null && stored.expiresAt().isBefore(Instant.now())) {
                        return Mono.error(new BadOpaqueTokenException("Token has expired."));
                    }
                    return Mono.just(new ApiPrincipal(
                            stored.tenant(),
                            stored.id(),
                            stored.principal(),
                            stored.scopes(),
                            ApiPrincipal.effectiveScopes(stored.tenant(), stored.scopes()),
                            stored.expiresAt()));
                });
    }
}
