package io.hostplane.api.system;

import java.util.List;
import java.util.Map;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import reactor.core.publisher.Mono;

/**
 * Authentication and scope checks, done by Spring Security's resource-server machinery with our own token
 * store behind it. Stateless: no session, no saved request; CSRF is moot because state-changing requests
 * must carry an {@code Authorization} header ({@link ApiTokenConverter}).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityWebFilterChain apiSecurity(
            ServerHttpSecurity http,
            ReactiveAuthenticationManager bearer,
            CorsProperties cors,
            ApplicationContext context) {
        ServerAuthenticationEntryPoint entryPoint = unauthorized();
        ServerAccessDeniedHandler denied = forbidden();
        if (cors.allowedOrigins().stream().anyMatch(o -> !o.isBlank())) {
            http.cors(c -> c.configurationSource(corsSource(cors)));
        } else {
            http.cors(ServerHttpSecurity.CorsSpec::disable);
        }
        return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .requestCache(c -> c.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .exceptionHandling(e -> e.authenticationEntryPoint(entryPoint).accessDeniedHandler(denied))
                .authorizeExchange(spec -> ScopeRules.apply(spec, context))
                .oauth2ResourceServer(o -> o.bearerTokenConverter(new ApiTokenConverter())
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(denied)
                        .authenticationManagerResolver(exchange -> Mono.just(bearer)))
                .build();
    }

    /**
     * Cross-origin calls from the configured origins only, with a token in the {@code Authorization} header
     * (no cookies: credentials are not allowed cross-origin).
     */
    private static CorsConfigurationSource corsSource(CorsProperties properties) {
        CorsConfiguration config = new CorsConfiguration();
        config.setAllowedOrigins(
                properties.allowedOrigins().stream().filter(o -> !o.isBlank()).toList());
        config.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE"));
        config.setAllowedHeaders(List.of("Authorization", "Content-Type", "Idempotency-Key", "If-None-Match"));
        config.setExposedHeaders(List.of(
                "X-Request-Id",
                "Location",
                "ETag",
                "Retry-After",
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset"));
        config.setAllowCredentials(false);
        config.setMaxAge(600L);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/api/**", config);
        return source;
    }

    /**
     * 401 with {@code WWW-Authenticate: Bearer}, or 503 when the token store cannot be reached: raised, like every
     * refusal, for {@link ApiErrorHandler} to write.
     */
    private static ServerAuthenticationEntryPoint unauthorized() {
        return (exchange, ex) -> {
            if (isStoreDown(ex)) {
                return Mono.error(ApiException.unavailable("Authentication is unavailable; retry later."));
            }
            String reason = reason(ex);
            String message = reason == null ? "Authentication required: send Authorization: Bearer <token>." : reason;
            String challenge = reason == null
                    ? "Bearer realm=\"hostplane\""
                    : "Bearer realm=\"hostplane\", error=\"invalid_token\", error_description=\""
                            + message.replaceAll("[^\\x20-\\x7e]|\"", "'") + "\"";
            return Mono.error(new ApiException(
                    HttpStatus.UNAUTHORIZED, message, null, Map.of(HttpHeaders.WWW_AUTHENTICATE, challenge)));
        };
    }

    /**
     * Why the token was refused, as our introspector or converter said it (Spring wraps it, and replaces a
     * description it cannot put in a header), or null when no token was sent.
     */
    private static String reason(AuthenticationException ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof BadOpaqueTokenException bad) {
                return bad.getMessage();
            }
        }
        if (ex.getMessage() == null || ex.getMessage().startsWith("Full authentication")) {
            return null;
        }
        return ex.getMessage();
    }

    private static boolean isStoreDown(AuthenticationException ex) {
        return ex instanceof AuthenticationServiceException;
    }

    /** 403 naming the missing scope, raised for {@link ApiErrorHandler} to write. */
    private static ServerAccessDeniedHandler forbidden() {
        return (exchange, ex) -> {
            String scope = exchange.getAttribute(RequestIds.MISSING_SCOPE_ATTRIBUTE);
            return Mono.error(ApiException.forbidden(
                    scope == null
                            ? "Access denied: this route has no scope rule, so no token may call it."
                            : "Token lacks scope " + scope + "."));
        };
    }
}
