package io.hostplane.api.tokens;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.JWTParser;
import io.hostplane.api.accounts.AccountStore;
import io.hostplane.api.system.RequestContext;
import io.hostplane.api.system.security.ApiPrincipal;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.OpaqueTokenReactiveAuthenticationManager;
import org.springframework.security.oauth2.server.resource.introspection.ReactiveOpaqueTokenIntrospector;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Authenticates a bearer token: Hostplane tokens ({@code hp_…}) against our store, anything else as a JWT
 * from one of the configured issuers (signature checked against the issuer's JWKS, plus {@code iss},
 * {@code exp}/{@code nbf} and, if configured, {@code aud}). Both end as the same {@link ApiPrincipal}, with
 * the tenant and scopes a JWT carries in its claims.
 */
@Component
public class BearerAuthenticationManager implements ReactiveAuthenticationManager {

    private final ReactiveAuthenticationManager opaque;
    private final Map<String, JwtIssuer> issuers = new HashMap<>();

    private record JwtIssuer(JwtIssuerProperties.Issuer settings, ReactiveJwtDecoder decoder) {}

    private final AccountStore accounts;
    private final Cache<String, Boolean> knownTenants = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(1))
            .maximumSize(100_000)
            .build();

    BearerAuthenticationManager(
            ReactiveOpaqueTokenIntrospector introspector, JwtIssuerProperties properties, AccountStore accounts) {
        this.opaque = new OpaqueTokenReactiveAuthenticationManager(introspector);
        this.accounts = accounts;
        for (JwtIssuerProperties.Issuer issuer : properties.issuers()) {
            NimbusReactiveJwtDecoder decoder =
                    NimbusReactiveJwtDecoder.withJwkSetUri(issuer.jwksUri()).build();
            List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
            validators.add(JwtValidators.createDefaultWithIssuer(issuer.issuer()));
            if (issuer.audience() != null && !issuer.audience().isBlank()) {
                validators.add(new JwtClaimValidator<Collection<String>>(
                        "aud", aud -> aud != null && aud.contains(issuer.audience())));
            }
            decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
            issuers.put(issuer.issuer(), new JwtIssuer(issuer, decoder));
        }
    }

    @Override
    public Mono<Authentication> authenticate(Authentication authentication) {
        if (!(authentication instanceof BearerTokenAuthenticationToken bearer)) {
            return Mono.empty();
        }
        String token = bearer.getToken();
        if (token.startsWith("hp_") || issuers.isEmpty()) {
            return opaque.authenticate(authentication);
        }
        String iss;
        try {
            iss = JWTParser.parse(token).getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            return opaque.authenticate(authentication);
        }
        JwtIssuer issuer = iss == null ? null : issuers.get(iss);
        if (issuer == null) {
            return Mono.error(new InvalidBearerTokenException("Token issuer is not trusted."));
        }
        return issuer.decoder()
                .decode(token)
                .onErrorMap(
                        JwtException.class, e -> new InvalidBearerTokenException("Invalid JWT: " + e.getMessage(), e))
                .flatMap(jwt -> {
                    ApiPrincipal principal = principal(jwt, issuer.settings());
                    return knownTenant(principal.tenant()).thenReturn(principal);
                })
                .flatMap(principal -> Mono.deferContextual(ctx -> {
                    ctx.<RequestContext>getOrEmpty(RequestContext.KEY).ifPresent(rc -> rc.authenticated(principal));
                    OAuth2AccessToken access = new OAuth2AccessToken(
                            OAuth2AccessToken.TokenType.BEARER, token, null, principal.expiresAt());
                    return Mono.just((Authentication)
                            new BearerTokenAuthentication(principal, access, principal.getAuthorities()));
                }));
    }

    /** A JWT must name an existing account; the answer is cached for a minute. */
    private Mono<Void> knownTenant(String tenant) {
        if (knownTenants.getIfPresent(tenant) != null) {
            return Mono.empty();
        }
        return accounts.findById(tenant)
                .switchIfEmpty(Mono.error(new InvalidBearerTokenException("JWT names an unknown tenant.")))
                .doOnNext(account -> knownTenants.put(tenant, Boolean.TRUE))
                .then();
    }

    private static ApiPrincipal principal(Jwt jwt, JwtIssuerProperties.Issuer settings) {
        String tenant = jwt.getClaimAsString(settings.tenantClaim());
        if (tenant == null || tenant.isBlank()) {
            throw new InvalidBearerTokenException("JWT has no " + settings.tenantClaim() + " claim.");
        }
        Object raw = jwt.getClaims().get(settings.scopeClaim());
        List<String> scopes = new ArrayList<>();
        if (raw instanceof String s) {
            scopes.addAll(List.of(s.trim().split("\\s+")));
        } else if (raw instanceof Collection<?> c) {
            c.forEach(v -> scopes.add(String.valueOf(v)));
        }
        Instant expires = jwt.getExpiresAt();
        String id = jwt.getId() != null ? jwt.getId() : jwt.getSubject();
        return new ApiPrincipal(
                tenant,
                "jwt:" + id,
                jwt.getSubject(),
                scopes,
                ApiPrincipal.effectiveScopes(tenant, scopes),
                expires,
                List.of(),
                null,
                null,
                List.of());
    }
}
