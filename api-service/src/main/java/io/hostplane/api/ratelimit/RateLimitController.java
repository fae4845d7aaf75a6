package io.hostplane.api.ratelimit;

import io.hostplane.api.limits.Rate;
import io.hostplane.api.limits.TenantLimitsService;
import io.hostplane.api.system.Responses;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ApiEnvelope;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/v1/rate-limit} (any valid token, as GitHub's {@code /rate_limit}): the caller's token window
 * and its tenant's window (limit, remaining, reset), read without taking a permit from either.
 */
@RestController
class RateLimitController {

    private final TokenRateLimiters tokens;
    private final TenantRateLimiters tenants;
    private final TenantLimitsService limits;
    private final RateLimitProperties properties;

    RateLimitController(
            TokenRateLimiters tokens,
            TenantRateLimiters tenants,
            TenantLimitsService limits,
            RateLimitProperties properties) {
        this.tokens = tokens;
        this.tenants = tenants;
        this.limits = limits;
        this.properties = properties;
    }

    @GetMapping(RateLimitFilter.RATE_LIMIT_STATUS)
    Mono<ResponseEntity<ApiEnvelope>> status(@AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        int period = caller.ratePeriodSeconds() != null
                ? caller.ratePeriodSeconds()
                : (int) properties.defaultPeriod().toSeconds();
        TokenRateLimiters.Decision token =
                tokens.peek(caller.tokenId(), caller.rateLimit(), caller.ratePeriodSeconds());
        Mono<Map<String, Object>> tenant = caller.tenant() == null
                ? Mono.just(Map.of())
                : limits.of(caller.tenant())
                        .flatMap(l -> tenants.peek(caller.tenant(), l.tenantRateLimit())
                                .map(d -> {
                                    RateLimitFilter.headers(
                                            exchange,
                                            d.remaining() < token.remaining() ? d : token,
                                            d.remaining() < token.remaining() ? "tenant" : "token");
                                    return window(d, l.tenantRateLimit());
                                }));
        RateLimitFilter.headers(exchange, token, "token");
        return tenant.map(t -> {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("token", window(token, new Rate(token.limit(), period)));
            data.put("tenant", t.isEmpty() ? null : t);
            return Responses.ok(exchange, "Rate limit windows; this request is not counted.", data);
        });
    }

    private static Map<String, Object> window(TokenRateLimiters.Decision d, Rate rate) {
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("limit", d.limit());
        window.put("period_seconds", rate.periodSeconds());
        window.put("remaining", d.remaining());
        window.put("reset", d.resetSeconds());
        window.put("reset_at", Instant.now().plusSeconds(d.resetSeconds()).truncatedTo(ChronoUnit.SECONDS));
        return window;
    }
}
