package io.hostplane.api.audit;

import io.hostplane.api.system.Responses;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.Page;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/v1/audit/keys} (public, no token): the public keys checkpoint signatures verify under, so that
 * anyone holding a proof export can check it offline against keys fetched on their own (docs/audit.md).
 */
@RestController
class AuditKeysController {

    private final AuditKeys keys;

    AuditKeysController(AuditKeys keys) {
        this.keys = keys;
    }

    @GetMapping("/api/v1/audit/keys")
    Mono<ResponseEntity<ApiEnvelope>> keys(ServerWebExchange exchange) {
        return keys.views()
                .map(views ->
                        Responses.ok(exchange, views.size() + " checkpoint verify keys.", new Page<>(views, null)));
    }
}
