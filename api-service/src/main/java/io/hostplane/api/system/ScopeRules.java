package io.hostplane.api.system;

import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.scope.Scope;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Which scope each route needs (DESIGN.md, "Resources"). Checked by Spring Security before any controller
 * runs, so a 403 is decided before any data is read. Public routes are listed first, then the few routes any
 * valid token may call, then the scope rules. Anything else is refused (deny by default): a route with no rule
 * here answers 403 to every token, so a new route cannot ship open; a path that is no route at all is left to
 * answer 404 ({@link #unruled}). {@code ScopeRulesTest} walks every registered route against these lists.
 */
public final class ScopeRules {

    record Rule(HttpMethod method, String pattern, Scope scope) {}

    /** A route open to a kind of caller, for any method when {@code method} is null. */
    record Open(HttpMethod method, String pattern) {}

    static final List<String> PUBLIC = List.of(
            "/api/v1/health",
            "/api/v1/openapi.json",
            "/docs",
            "/docs/**",
            "/actuator/health/**",
            "/actuator/health",
            "/actuator/prometheus");

    /**
     * Public routes of one method: the OAuth device flow, the approval page (a password, not a token), and the audit
     * checkpoint verify keys (public keys, for checking exports offline).
     */
    static final List<Open> PUBLIC_ROUTES = List.of(
            new Open(HttpMethod.GET, "/api/v1/audit/keys"),
            new Open(HttpMethod.GET, "/api/v1/oauth/scopes"),
            new Open(HttpMethod.GET, "/api/v1/oauth/requests/verify"),
            new Open(HttpMethod.POST, "/api/v1/oauth/requests"),
            new Open(HttpMethod.GET, "/oauth/authorize/*"),
            new Open(HttpMethod.POST, "/oauth/authorize/*/sign-in"),
            new Open(HttpMethod.POST, "/oauth/authorize/*/decision"));

    /** Routes about the calling token itself, open to any valid token (DESIGN.md: "any valid token"). */
    static final List<Open> ANY_TOKEN = List.of(
            new Open(HttpMethod.GET, "/api/v1/me"),
            new Open(HttpMethod.GET, "/api/v1/system/hello"),
            new Open(HttpMethod.GET, "/api/v1/rate-limit"),
            new Open(HttpMethod.POST, "/api/v1/oauth/tokens/refresh"),
            new Open(HttpMethod.DELETE, "/api/v1/oauth/tokens"));

    static final List<Rule> RULES = List.of(
            new Rule(HttpMethod.GET, "/api/v1/accounts/**", Scope.PLATFORM_ADMIN),
            new Rule(HttpMethod.POST, "/api/v1/accounts/**", Scope.PLATFORM_ADMIN),
            new Rule(HttpMethod.GET, "/api/v1/accounts", Scope.PLATFORM_ADMIN),
            new Rule(HttpMethod.POST, "/api/v1/accounts", Scope.PLATFORM_ADMIN),
            new Rule(HttpMethod.PATCH, "/api/v1/accounts/*", Scope.PLATFORM_ADMIN),
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
            new Rule(HttpMethod.POST, "/api/v1/callbacks/secret/rotate", Scope.JOBS_WRITE),
            new Rule(HttpMethod.POST, "/api/v1/audit/replays", Scope.AUDIT_REPLAY),
            new Rule(null, "/api/v1/audit/streams", Scope.AUDIT_STREAM),
            new Rule(null, "/api/v1/audit/streams/**", Scope.AUDIT_STREAM),
            new Rule(HttpMethod.GET, "/api/v1/audit/**", Scope.AUDIT_READ),
            new Rule(HttpMethod.GET, "/api/v1/websites", Scope.WEBSITES_READ),
            new Rule(HttpMethod.GET, "/api/v1/websites/**", Scope.WEBSITES_READ),
            new Rule(null, "/api/v1/websites", Scope.WEBSITES_WRITE),
            new Rule(null, "/api/v1/websites/**", Scope.WEBSITES_WRITE),
            new Rule(HttpMethod.GET, "/api/v1/webhooks", Scope.WEBHOOKS_READ),
            new Rule(HttpMethod.GET, "/api/v1/webhooks/**", Scope.WEBHOOKS_READ),
            new Rule(null, "/api/v1/webhooks", Scope.WEBHOOKS_WRITE),
            new Rule(null, "/api/v1/webhooks/**", Scope.WEBHOOKS_WRITE),
            // Installation-wide reads: the actuator's index and build info (health and metrics are public above).
            new Rule(HttpMethod.GET, "/actuator", Scope.PLATFORM_READ),
            new Rule(HttpMethod.GET, "/actuator/info", Scope.PLATFORM_READ));

    private ScopeRules() {}

    static void apply(ServerHttpSecurity.AuthorizeExchangeSpec spec, ApplicationContext context) {
        spec.pathMatchers(PUBLIC.toArray(String[]::new)).permitAll();
        for (Open open : PUBLIC_ROUTES) {
            spec.pathMatchers(open.method(), open.pattern()).permitAll();
        }
        for (Open open : ANY_TOKEN) {
            spec.pathMatchers(open.method(), open.pattern()).authenticated();
            if (open.method().equals(HttpMethod.GET)) {
                // WebFlux answers HEAD with the GET handler; it reads the same.
                spec.pathMatchers(HttpMethod.HEAD, open.pattern()).authenticated();
            }
        }
        for (Rule rule : RULES) {
            var matcher = rule.method() == null
                    ? spec.pathMatchers(rule.pattern())
                    : spec.pathMatchers(rule.method(), rule.pattern());
            matcher.access(requireScope(rule.scope()));
        }
        spec.anyExchange().access(unruled(context));
    }

    /**
     * What the lists above decide for {@code method} and {@code path}, in their order: {@code public},
     * {@code token} (any valid token), a scope's name, or null when no rule matches (refused).
     */
    public static String decide(HttpMethod method, String path) {
        PathContainer container = PathContainer.parsePath(path);
        if (PUBLIC.stream().anyMatch(p -> matches(p, container))) {
            return "public";
        }
        if (PUBLIC_ROUTES.stream().anyMatch(o -> o.method().equals(method) && matches(o.pattern(), container))) {
            return "public";
        }
        if (ANY_TOKEN.stream().anyMatch(o -> o.method().equals(method) && matches(o.pattern(), container))) {
            return "token";
        }
        return RULES.stream()
                .filter(r -> (r.method() == null || r.method().equals(method)) && matches(r.pattern(), container))
                .findFirst()
                .map(r -> r.scope().wireName())
                .orElse(null);
    }

    private static boolean matches(String pattern, PathContainer path) {
        return PathPatternParser.defaultInstance.parse(pattern).matches(path);
    }

    /**
     * The decision for a request no list above matches: refused (403) when a controller or router function
     * serves it, since that route was given no rule; otherwise, for a valid token, let through to the 404 (or
     * 405) the dispatcher answers, so that a mistyped path says so. Static resource mappings are not routes.
     */
    static ReactiveAuthorizationManager<AuthorizationContext> unruled(ApplicationContext context) {
        // The mappings exist once the context is up; looked up on the first request that needs them.
        AtomicReference<List<HandlerMapping>> mappings = new AtomicReference<>();
        return (authentication, authorization) -> authentication
                .filter(Authentication::isAuthenticated)
                .flatMap(auth -> {
                    var exchange = authorization.getExchange();
                    List<HandlerMapping> routes = mappings.updateAndGet(known -> known != null
                            ? known
                            : context.getBeansOfType(HandlerMapping.class).values().stream()
                                    .filter(m -> m instanceof RequestMappingInfoHandlerMapping
                                            || m instanceof RouterFunctionMapping)
                                    .toList());
                    return Flux.fromIterable(routes)
                            .concatMap(m -> m.getHandler(exchange).onErrorResume(e -> Mono.empty()))
                            .hasElements()
                            .map(routed -> (AuthorizationResult) new AuthorizationDecision(!routed));
                })
                .defaultIfEmpty(new AuthorizationDecision(false));
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
