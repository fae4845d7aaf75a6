package io.hostplane.api.system;

import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.scope.Scope;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Public health and "who am I". */
@RestController
class SystemController {

    private final HealthProbe health;
    private final CallbackSecrets signer;

    SystemController(HealthProbe health, CallbackSecrets signer) {
        this.health = health;
        this.signer = signer;
    }

    /** {@code 200} only when every component is up; else {@code 503} with {@code Retry-After}. */
    @GetMapping("/api/v1/health")
    Mono<ResponseEntity<ApiEnvelope>> health(ServerWebExchange exchange) {
        return health.check().map(report -> {
            Map<String, Object> data = Map.of("status", report.up() ? "up" : "down", "components", report.components());
            if (report.up()) {
                return Responses.ok(exchange, "Hostplane is up.", data);
            }
            ApiEnvelope body = new ApiEnvelope(
                    false,
                    503,
                    "Service Unavailable",
                    "Hostplane is not fully up.",
                    data,
                    null,
                    List.of(),
                    RequestIds.of(exchange),
                    Instant.now());
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header("Retry-After", "5")
                    .body(body);
        });
    }

    /**
     * Who is calling; {@code callbackSecret} (the tenant's current callback signing secret, by id and creation time)
     * needs {@code jobs.read}.
     */
    record Me(
            String tenant,
            String tokenId,
            String principal,
            List<String> scopes,
            Instant expiresAt,
            CallbackSecrets.CurrentSecret callbackSecret) {}

    /** Who am I, as cheaply as possible (the benchmarks' authenticated endpoint). */
    @GetMapping("/api/v1/system/hello")
    ResponseEntity<ApiEnvelope> hello(@AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return Responses.ok(exchange, "Hello, " + caller.principal() + ".", whoIs(caller, null));
    }

    /**
     * Who am I, with the tenant's current callback signing secret by id and creation time for tokens that may read
     * jobs (its value is shown once, by {@code POST /callbacks/secret/rotate}).
     */
    @GetMapping("/api/v1/me")
    Mono<ResponseEntity<ApiEnvelope>> me(@AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        Mono<CallbackSecrets.CurrentSecret> secret =
                caller.tenant() != null && caller.scopes().contains(Scope.JOBS_READ)
                        ? signer.currentOf(caller.tenant())
                        : Mono.empty();
        return secret.map(java.util.Optional::of)
                .defaultIfEmpty(java.util.Optional.empty())
                .map(s -> Responses.ok(exchange, "Hello, " + caller.principal() + ".", whoIs(caller, s.orElse(null))));
    }

    private static Me whoIs(ApiPrincipal caller, CallbackSecrets.CurrentSecret callbackSecret) {
        List<String> scopes = caller.scopes().stream().map(Scope::wireName).toList();
        return new Me(
                caller.tenant(), caller.tokenId(), caller.principal(), scopes, caller.expiresAt(), callbackSecret);
    }
}
