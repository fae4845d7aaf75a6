package io.hostplane.api.ratelimit;

import io.hostplane.api.system.ClientAddress;
import io.hostplane.api.system.EnvelopeWriter;
import io.hostplane.api.system.security.ApiPrincipal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
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
 * Applies the caller's rate limit after authentication and scope checks and before any handler runs (and a
 * per-address limit to the public OAuth endpoints). Every limited response carries {@code RateLimit-Limit}, {@code RateLimit-Remaining} and
 * {@code RateLimit-Reset} (seconds); over the limit the answer is 429 with {@code Retry-After}.
 */
@Component
@Order(10)
class RateLimitFilter implements WebFilter {

    /** Public endpoints limited per client address: the OAuth device flow's, which need no token. */
    static final String PUBLIC_LIMITED = "/api/v1/oauth/";

    private final TokenRateLimiters limiters;
    private final EnvelopeWriter writer;

    private final Counter tokenRejections;
    private final Counter publicRejections;

    RateLimitFilter(TokenRateLimiters limiters, EnvelopeWriter writer, MeterRegistry registry) {
        this.limiters = limiters;
        this.writer = writer;
        this.tokenRejections = rejections(registry, "token");
        this.publicRejections = rejections(registry, "public");
    }

    private static Counter rejections(MeterRegistry registry, String limit) {
        return Counter.builder("hostplane.ratelimit.rejections")
                .description("Requests refused with 429 by a rate limit: per token, or per address on public routes")
                .tag("limit", limit)
                .register(registry);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return exchange.getPrincipal()
                .ofType(BearerTokenAuthentication.class)
                .map(auth -> (ApiPrincipal) auth.getPrincipal())
                .map(caller -> isConditionalGet(exchange)
                        ? conditional(exchange, chain, caller)
                        : limited(
                                exchange,
                                chain,
                                limiters.acquire(caller.tokenId(), caller.rateLimit(), caller.ratePeriodSeconds()),
                                tokenRejections))
                .switchIfEmpty(Mono.fromSupplier(
                        () -> exchange.getRequest().getPath().value().startsWith(PUBLIC_LIMITED)
                                ? limited(
                                        exchange,
                                        chain,
                                        limiters.acquirePublic(
                                                ClientAddress.of(exchange).getHostAddress()),
                                        publicRejections)
                                : chain.filter(exchange)))
                .flatMap(answer -> answer);
    }

    private Mono<Void> limited(
            ServerWebExchange exchange, WebFilterChain chain, TokenRateLimiters.Decision decision, Counter rejections) {
        headers(exchange, decision);
        if (!decision.permitted()) {
            rejections.increment();
            exchange.getResponse()
                    .getHeaders()
                    .set(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
            return writer.writeError(
                    exchange,
                    HttpStatus.TOO_MANY_REQUESTS,
                    "Rate limit of " + decision.limit() + " requests exceeded; retry in " + decision.retryAfterSeconds()
                            + " s.",
                    List.of());
        }
        return chain.filter(exchange);
    }

    /**
     * A conditional GET ({@code If-None-Match}) pays a permit only if its answer is not a 304: polling an
     * unchanged job costs nothing against the limit (DESIGN.md). It is refused only when no permit is left.
     */
    private Mono<Void> conditional(ServerWebExchange exchange, WebFilterChain chain, ApiPrincipal caller) {
        TokenRateLimiters.Decision peek =
                limiters.peek(caller.tokenId(), caller.rateLimit(), caller.ratePeriodSeconds());
        if (!peek.permitted()) {
            return limited(exchange, chain, peek, tokenRejections);
        }
        exchange.getResponse().beforeCommit(() -> {
            var status = exchange.getResponse().getStatusCode();
            headers(
                    exchange,
                    status != null && status.value() == 304
                            ? peek
                            : limiters.acquire(caller.tokenId(), caller.rateLimit(), caller.ratePeriodSeconds()));
            return Mono.empty();
        });
        return chain.filter(exchange);
    }

    private static void headers(ServerWebExchange exchange, TokenRateLimiters.Decision decision) {
        HttpHeaders headers = exchange.getResponse().getHeaders();
        headers.set("RateLimit-Limit", Integer.toString(decision.limit()));
        headers.set("RateLimit-Remaining", Integer.toString(decision.remaining()));
        headers.set("RateLimit-Reset", Long.toString(decision.resetSeconds()));
    }

    private static boolean isConditionalGet(ServerWebExchange exchange) {
        return HttpMethod.GET.equals(exchange.getRequest().getMethod())
                && exchange.getRequest().getHeaders().getFirst(HttpHeaders.IF_NONE_MATCH) != null;
    }
}
