package io.hostplane.api.ratelimit;

import io.hostplane.api.system.ClientAddress;
import io.hostplane.api.system.EnvelopeWriter;
import io.hostplane.api.tokens.ApiPrincipal;
import java.util.List;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
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

    RateLimitFilter(TokenRateLimiters limiters, EnvelopeWriter writer) {
        this.limiters = limiters;
        this.writer = writer;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return exchange.getPrincipal()
                .ofType(BearerTokenAuthentication.class)
                .map(auth -> limiters.acquire(
                        ((ApiPrincipal) auth.getPrincipal()).tokenId(),
                        ((ApiPrincipal) auth.getPrincipal()).rateLimit(),
                        ((ApiPrincipal) auth.getPrincipal()).ratePeriodSeconds()))
                .switchIfEmpty(Mono.fromSupplier(
                        () -> exchange.getRequest().getPath().value().startsWith(PUBLIC_LIMITED)
                                ? limiters.acquirePublic(
                                        ClientAddress.of(exchange).getHostAddress())
                                : null))
                .flatMap(decision -> {
                    HttpHeaders headers = exchange.getResponse().getHeaders();
                    headers.set("RateLimit-Limit", Integer.toString(decision.limit()));
                    headers.set("RateLimit-Remaining", Integer.toString(decision.remaining()));
                    headers.set("RateLimit-Reset", Long.toString(decision.resetSeconds()));
                    if (!decision.permitted()) {
                        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
                        return writer.writeError(
                                        exchange,
                                        HttpStatus.TOO_MANY_REQUESTS,
                                        "Rate limit of " + decision.limit() + " requests exceeded; retry in "
                                                + decision.retryAfterSeconds() + " s.",
                                        List.of())
                                .thenReturn(Boolean.FALSE);
                    }
                    return Mono.just(Boolean.TRUE);
                })
                .defaultIfEmpty(Boolean.TRUE)
                .flatMap(proceed -> proceed ? chain.filter(exchange) : Mono.empty());
    }
}
