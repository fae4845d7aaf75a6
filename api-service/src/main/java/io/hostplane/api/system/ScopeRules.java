package io.hostplane.api.system;

import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.scope.Scope;
import java.util.List;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import reactor.core.publisher.Mono;

/**
 * Which scope each route needs (DESIGN.md, "Resources"). Checked by Spring Security before any controller
 * runs, so a 403 is decided before any data is read. Public routes are listed first; anything else needs a
 * valid token.
 */
final class ScopeRules {

    record Rule(HttpMethod method, String pattern, Scope scope) {}

    static final List<String> PUBLIC = List.of(
            "/api/v1/health",
            "/api/v1/openapi.json",
            "/docs",
            "/docs/**",
            "/actuator/health/**",
            "/actuator/health",
            "/actuator/prometheus");

    static final List<Rule> RULES = List.of(
            new Rule(HttpMethod.GET, "/api/v1/accounts/**", Scope.PLATFORM_ADMIN),
            new Rule(HttpMethod.POST, "/api/v1/accounts/**", Scope.PLATFORM_ADMIN),
            new Rule(HttpMethod.GET, "/api/v1/accounts", Scope.PLATFORM_ADMIN),
            new Rule(HttpMethod.POST, "/api/v1/accounts", Scope.PLATFORM_ADMIN),
            new Rule(null, "/api/v1/users/**", Scope.TOKENS_WRITE),
            new Rule(null, "/api/v1/users", Scope.TOKENS_WRITE),
            new Rule(HttpMethod.GET, "/api/v1/tokens/**", Scope.TOKENS_READ),
            new Rule(HttpMethod.GET, "/api/v1/tokens", Scope.TOKENS_READ),
            new Rule(null, "/api/v1/tokens/**", Scope.TOKENS_WRITE),
            new Rule(null, "/api/v1/tokens", Scope.TOKENS_WRITE),
            new Rule(HttpMethod.GET, "/api/v1/domains/*/dns/**", Scope.DNS_READ),
            new Rule(null, "/api/v1/domains/*/dns/**", Scope.DNS_WRITE),
            new Rule(HttpMethod.GET, "/api/v1/domains/*/ssl", Scope.SSL_READ),
            new Rule(null, "/api/v1/domains/*/ssl", Scope.SSL_WRITE),
            new Rule(HttpMethod.GET, "/api/v1/domains", Scope.DOMAINS_READ),
            new Rule(HttpMethod.GET, "/api/v1/domains/*", Scope.DOMAINS_READ),
            new Rule(null, "/api/v1/domains", Scope.DOMAINS_WRITE),
            new Rule(null, "/api/v1/domains/*", Scope.DOMAINS_WRITE),
            new Rule(HttpMethod.GET, "/api/v1/backups/**", Scope.BACKUPS_READ),
            new Rule(HttpMethod.GET, "/api/v1/backups", Scope.BACKUPS_READ),
            new Rule(null, "/api/v1/backups/**", Scope.BACKUPS_WRITE),
            new Rule(null, "/api/v1/backups", Scope.BACKUPS_WRITE),
            new Rule(HttpMethod.GET, "/api/v1/jobs/**", Scope.JOBS_READ),
            new Rule(HttpMethod.GET, "/api/v1/jobs", Scope.JOBS_READ),
            new Rule(null, "/api/v1/jobs/**", Scope.JOBS_WRITE),
            new Rule(HttpMethod.POST, "/api/v1/audit/replays", Scope.AUDIT_REPLAY),
            new Rule(HttpMethod.GET, "/api/v1/audit/**", Scope.AUDIT_READ));

    private ScopeRules() {}

    static void apply(ServerHttpSecurity.AuthorizeExchangeSpec spec) {
        spec.pathMatchers(PUBLIC.toArray(String[]::new)).permitAll();
        spec.pathMatchers(HttpMethod.GET, "/api/v1/oauth/scopes", "/api/v1/oauth/requests/verify")
                .permitAll();
        spec.pathMatchers(HttpMethod.POST, "/api/v1/oauth/requests").permitAll();
        // The approval page: the user signs in there with a password, not a token.
        spec.pathMatchers(HttpMethod.GET, "/oauth/authorize/*").permitAll();
        spec.pathMatchers(HttpMethod.POST, "/oauth/authorize/*/sign-in", "/oauth/authorize/*/decision")
                .permitAll();
        for (Rule rule : RULES) {
            var matcher = rule.method() == null
                    ? spec.pathMatchers(rule.pattern())
                    : spec.pathMatchers(rule.method(), rule.pattern());
            matcher.access(requireScope(rule.scope()));
        }
        spec.anyExchange().authenticated();
    }

    /** Grants when the token holds {@code scope}; otherwise notes the missing scope for the 403 message. */
    static ReactiveAuthorizationManager<AuthorizationContext> requireScope(Scope scope) {
        String authority = ApiPrincipal.AUTHORITY_PREFIX + scope.wireName();
        return new ReactiveAuthorizationManager<>() {
            @Override
            public Mono<AuthorizationResult> authorize(
                    Mono<Authentication> authentication, AuthorizationContext context) {
                return authentication
                        .filter(Authentication::isAuthenticated)
                        .map(auth -> {
                            boolean granted =
                                    auth.getAuthorities().stream().anyMatch(a -> authority.equals(a.getAuthority()));
                            if (!granted) {
                                context.getExchange()
                                        .getAttributes()
                                        .put(RequestIds.MISSING_SCOPE_ATTRIBUTE, scope.wireName());
                            }
                            return (AuthorizationResult) new AuthorizationDecision(granted);
                        })
                        .defaultIfEmpty(new AuthorizationDecision(false));
            }
        };
    }
}
