package io.hostplane.api.ratelimit;

import io.hostplane.api.limits.TenantLimitsService;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.ClientAddress;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Applies the caller's rate limits after authentication and scope checks and before any handler runs: its
 * token's, then its tenant's across all its tokens ({@link TenantRateLimiters}); and a per-address limit to the
 * public OAuth endpoints. Every limited response carries {@code RateLimit-Limit}, {@code RateLimit-Remaining}
 * and {@code RateLimit-Reset} (seconds) of the limit closest to running out, and {@code RateLimit-Scope}
 * ({@code token}, {@code tenant} or {@code address}) naming it; over a limit the answer is 429 with
 * {@code Retry-After}, and its body names the limit too. {@code GET /api/v1/rate-limit} is not counted.
 */
@Component
@Order(10)
class RateLimitFilter implements WebFilter {

    /** Public endpoints limited per client address: the OAuth device flow's, which need no token. */
    static final String PUBLIC_LIMITED = "/api/v1/oauth/";

    /** Reads the caller's windows without counting against them. */
    static final String RATE_LIMIT_STATUS = "/api/v1/rate-limit";

    private final TokenRateLimiters limiters;
    private final TenantRateLimiters tenantLimiters;
    private final TenantLimitsService tenantLimits;

    private final Counter tokenRejections;
    private final Counter tenantRejections;
    private final Counter publicRejections;

    RateLimitFilter(
            TokenRateLimiters limiters,
            TenantRateLimiters tenantLimiters,
            TenantLimitsService tenantLimits,
            MeterRegistry registry) {
        this.limiters = limiters;
        this.tenantLimiters = tenantLimiters;
        this.tenantLimits = tenantLimits;
        this.tokenRejections = rejections(registry, "token");
        this.tenantRejections = rejections(registry, "tenant");
        this.publicRejections = rejections(registry, "public");
    }

    private static Counter rejections(MeterRegistry registry, String limit) {
        return Counter.builder("hostplane.ratelimit.rejections")
                .description("Requests refused with 429 by a rate limit: per token, per tenant, or per address on "
                        + "public routes")
                .tag("limit", limit)
                .register(registry);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return exchange.getPrincipal()
                .ofType(BearerTokenAuthentication.class)
                .map(auth -> (ApiPrincipal) auth.getPrincipal())
                .map(caller -> isRateLimitStatus(exchange)
                        ? chain.filter(exchange)
                        : isConditionalGet(exchange)
                                ? conditional(exchange, chain, caller)
                                : limited(exchange, chain, caller))
                .switchIfEmpty(Mono.fromSupplier(
                        () -> exchange.getRequest().getPath().value().startsWith(PUBLIC_LIMITED)
                                ? refusedOrServed(
                                        exchange,
                                        chain,
                                        limiters.acquirePublic(
                                                ClientAddress.of(exchange).getHostAddress()),
                                        "address",
                                        publicRejections)
                                : chain.filter(exchange)))
                .flatMap(answer -> answer);
    }

    /** The token's permit, then (for a tenant's token) the tenant's; the headers describe the tighter. */
    private Mono<Void> limited(ServerWebExchange exchange, WebFilterChain chain, ApiPrincipal caller) {
        TokenRateLimiters.Decision token =
                limiters.acquire(caller.tokenId(), caller.rateLimit(), caller.ratePeriodSeconds());
        if (!token.permitted() || caller.tenant() == null) {
            return refusedOrServed(exchange, chain, token, "token", tokenRejections);
        }
        return tenantLimits
                .of(caller.tenant())
                .flatMap(limits -> tenantLimiters.acquire(caller.tenant(), limits.tenantRateLimit()))
                .flatMap(tenant -> !tenant.permitted() || tenant.remaining() < token.remaining()
                        ? refusedOrServed(exchange, chain, tenant, "tenant", tenantRejections)
                        : refusedOrServed(exchange, chain, token, "token", tokenRejections));
    }

    private Mono<Void> refusedOrServed(
            ServerWebExchange exchange,
            WebFilterChain chain,
            TokenRateLimiters.Decision decision,
            String scope,
            Counter rejections) {
        headers(exchange, decision, scope);
        if (!decision.permitted()) {
            rejections.increment();
            String which = switch (scope) {
                case "tenant" -> "This account's rate limit (all its tokens together)";
                case "token" -> "This token's rate limit";
                default -> "The rate limit for this address";
            };
            String code = switch (scope) {
                case "tenant" -> ErrorCodes.TENANT_RATE_LIMITED;
                case "token" -> ErrorCodes.TOKEN_RATE_LIMITED;
                default -> ErrorCodes.ADDRESS_RATE_LIMITED;
            };
            String message = which + " of " + decision.limit() + " requests exceeded; retry in "
                    + decision.retryAfterSeconds() + " s.";
            return Mono.error(new ApiException(
                    HttpStatus.TOO_MANY_REQUESTS,
                    message,
                    List.of(new FieldError(null, code, message)),
                    Map.of(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()))));
        }
        return chain.filter(exchange);
    }

    /**
     * A conditional GET ({@code If-None-Match}) pays a permit only if its answer is not a 304: polling an
     * unchanged job costs nothing against the limits (DESIGN.md). It is refused only when the token has no
     * permit left; a 200 it ends with then takes the token's permit and the tenant's.
     */
    private Mono<Void> conditional(ServerWebExchange exchange, WebFilterChain chain, ApiPrincipal caller) {
        TokenRateLimiters.Decision peek =
                limiters.peek(caller.tokenId(), caller.rateLimit(), caller.ratePeriodSeconds());
        if (!peek.permitted()) {
            return refusedOrServed(exchange, chain, peek, "token", tokenRejections);
        }
        exchange.getResponse().beforeCommit(() -> {
            var status = exchange.getResponse().getStatusCode();
            if (status != null && status.value() == 304) {
                headers(exchange, peek, "token");
                return Mono.empty();
            }
            headers(
                    exchange,
                    limiters.acquire(caller.tokenId(), caller.rateLimit(), caller.ratePeriodSeconds()),
                    "token");
            return caller.tenant() == null
                    ? Mono.empty()
                    : tenantLimits
                            .of(caller.tenant())
                            .flatMap(limits -> tenantLimiters.acquire(caller.tenant(), limits.tenantRateLimit()))
                            .then();
        });
        return chain.filter(exchange);
    }

    static void headers(ServerWebExchange exchange, TokenRateLimiters.Decision decision, String scope) {
        HttpHeaders headers = exchange.getResponse().getHeaders();
        headers.set("RateLimit-Limit", Integer.toString(decision.limit()));
        headers.set("RateLimit-Remaining", Integer.toString(decision.remaining()));
        headers.set("RateLimit-Reset", Long.toString(decision.resetSeconds()));
        headers.set("RateLimit-Scope", scope);
    }

    private static boolean isRateLimitStatus(ServerWebExchange exchange) {
        return HttpMethod.GET.equals(exchange.getRequest().getMethod())
                && RATE_LIMIT_STATUS.equals(exchange.getRequest().getPath().value());
    }

    private static boolean isConditionalGet(ServerWebExchange exchange) {
        return HttpMethod.GET.equals(exchange.getRequest().getMethod())
                && exchange.getRequest().getHeaders().getFirst(HttpHeaders.IF_NONE_MATCH) != null;
    }
}
